package io.till.message;

import io.till.shared.Caller;
import io.till.shared.PageRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dev mailbox in the dashboard: the emails and SMS the account "sent" while it had no provider, each email as its
 * recipient would see it and as text.
 */
@Controller
class MailboxPages {

    private static final String MAILBOX = "/admin/developers/mailbox";
    private static final int PAGE_SIZE = 25;

    /**
     * An email's HTML runs in no origin at all: the CSP's {@code sandbox} gives it an opaque origin even when opened on
     * its own, no script runs, and nothing outside it loads (no tracking pixel, no remote image or font); inline styles
     * and embedded images still show, which is what a branded email needs. Only the dashboard may frame it.
     */
    static final String EMAIL_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        + "sandbox; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private final DevMailbox mailbox;

    MailboxPages(DevMailbox mailbox) {
        this.mailbox = mailbox;
    }

    @GetMapping(MAILBOX)
    String list(Caller.Staff staff, @RequestParam(required = false) String cursor, HttpServletRequest request,
        Model model) {
        var page = mailbox.list(staff.accountId(), isOwner(request), PageRequest.of(PAGE_SIZE, cursor, "msg"));
        model.addAttribute("messages", page.data());
        model.addAttribute("nextCursor", page.hasMore() ? page.nextCursor() : null);
        model.addAttribute("paged", cursor != null && !cursor.isEmpty());
        return "message/mailbox";
    }

    @PostMapping(MAILBOX + "/clear")
    String clear(Caller.Staff staff, HttpServletRequest request, RedirectAttributes redirect) {
        int deleted = mailbox.clear(staff.accountId(), isOwner(request));
        redirect.addFlashAttribute("flash", deleted == 1 ? "1 message deleted." : deleted + " messages deleted.");
        return "redirect:" + MAILBOX;
    }

    @GetMapping(MAILBOX + "/{id}")
    String message(Caller.Staff staff, @PathVariable String id, HttpServletRequest request, Model model) {
        model.addAttribute("message", mailbox.get(staff.accountId(), isOwner(request), id));
        return "message/message";
    }

    @GetMapping(MAILBOX + "/{id}/html")
    @ResponseBody
    ResponseEntity<String> html(Caller.Staff staff, @PathVariable String id, HttpServletRequest request) {
        var message = mailbox.get(staff.accountId(), isOwner(request), id);
        String html = message.html() == null ? "" : message.html();
        // Spring Security leaves a Content-Security-Policy set here alone (it fills in a missing one only). Its
        // X-Frame-Options: DENY stays, but browsers ignore it when frame-ancestors is present (HTML standard), and
        // one that knows no frame-ancestors refuses the frame: it fails closed.
        return ResponseEntity.ok()
            .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
            .header("Content-Security-Policy", EMAIL_POLICY)
            .header(HttpHeaders.CACHE_CONTROL, "no-store")
            .body(html);
    }

    /** Staff invitations in the mailbox are an owner's to read. */
    private static boolean isOwner(HttpServletRequest request) {
        return request.isUserInRole("OWNER");
    }
}
