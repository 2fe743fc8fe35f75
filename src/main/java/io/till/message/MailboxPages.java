package io.till.message;

import io.till.shared.Caller;
import io.till.shared.PageRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
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
        + "sandbox allow-popups allow-popups-to-escape-sandbox; base-uri 'none'; form-action 'none'; "
        + "frame-ancestors 'self'";

    /** Where a {@code <base target>} goes in an email's HTML: right after its head's (or its document's) opening tag. */
    private static final Pattern HEAD_OR_HTML = Pattern.compile("<head(\\s[^>]*)?>|<html(\\s[^>]*)?>",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");

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
        var message = mailbox.get(staff.accountId(), isOwner(request), id);
        model.addAttribute("message", message);
        model.addAttribute("textParts", linked(message.text()));
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
            .body(inNewTabs(html));
    }

    /**
     * The email with its links opening in a new tab, as a mail client opens them: inside the preview's frame, a link
     * to the portal (which no other page may frame) or to any other site would show a broken page. The link is
     * followed as any link is, with no script of the email running.
     */
    static String inNewTabs(String html) {
        if (html.isEmpty()) {
            return html;
        }
        var opening = HEAD_OR_HTML.matcher(html);
        int at = opening.find() ? opening.end() : 0;
        return html.substring(0, at) + "<base target=\"_blank\">" + html.substring(at);
    }

    /** A piece of a message's text: a web address, linked, or the text around it. */
    record TextPart(String text, String href) {}

    /** The text with each web address in it linked, so that a link in a text email or an SMS can be opened. */
    static List<TextPart> linked(String text) {
        var parts = new ArrayList<TextPart>();
        if (text == null) {
            return parts;
        }
        var url = URL.matcher(text);
        int from = 0;
        while (url.find()) {
            String address = url.group();
            // A sentence's full stop or comma after an address is not part of it.
            int end = url.end();
            while (address.length() > 8 && ".,;:!?)".indexOf(address.charAt(address.length() - 1)) >= 0) {
                address = address.substring(0, address.length() - 1);
                end--;
            }
            parts.add(new TextPart(text.substring(from, url.start()), null));
            parts.add(new TextPart(address, address));
            from = end;
        }
        parts.add(new TextPart(text.substring(from), null));
        return parts;
    }

    /** Staff invitations in the mailbox are an owner's to read. */
    private static boolean isOwner(HttpServletRequest request) {
        return request.isUserInRole("OWNER");
    }
}
