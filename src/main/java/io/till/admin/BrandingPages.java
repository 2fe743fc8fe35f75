package io.till.admin;

import io.till.account.Accounts;
import io.till.account.BrandImages;
import io.till.account.Branding;
import io.till.account.BrandingChanges;
import io.till.account.Brandings;
import io.till.egress.EgressClient;
import io.till.message.Emails;
import io.till.shared.Caller;
import io.till.shared.TillException;
import io.till.shared.web.FormErrors;
import io.till.shared.web.PublicAddress;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * Settings › Branding: the fields of {@code PUT /api/v1/account/branding}, saved through the same
 * {@link BrandingChanges}, and a live preview of an email (the real layout of sent emails) and of the portal's header
 * while the seller types. The previews are documents of their own in frames: the email's layout is made of inline
 * styles, which the dashboard's CSP refuses, so its frame gets a policy allowing inline styles and nothing else. Images
 * come from Till's copy of the seller's ({@link BrandImages}, through the egress guard), never from the seller's host.
 * Lives beside the frame because it shows two features at once (account and message).
 */
@Controller
class BrandingPages {

    static final String PATH = "/admin/settings/branding";
    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
    /** As emails write a day ({@code {{subscription.current_period_end_formatted}}}). */
    private static final DateTimeFormatter PREVIEW_DAY = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.US);
    /**
     * For the frames: Till's pages only. The browser chain still sends {@code X-Frame-Options: DENY} (its writer
     * overwrites any other value), which browsers ignore when the CSP names frame-ancestors, as here.
     */
    private static final String FRAMED_BY_TILL = "frame-ancestors 'self'";

    private final Accounts accounts;
    private final Brandings brandings;
    private final BrandingChanges changes;
    private final BrandImages images;
    private final PublicAddress publicAddress;
    private final Clock clock;

    BrandingPages(Accounts accounts, Brandings brandings, BrandingChanges changes, BrandImages images,
        PublicAddress publicAddress, Clock clock) {
        this.clock = clock;
        this.accounts = accounts;
        this.brandings = brandings;
        this.changes = changes;
        this.images = images;
        this.publicAddress = publicAddress;
    }

    /** The form as typed: a blank field is a field left unset (the API's null). */
    record BrandingForm(String companyName, String senderName, String supportEmail, String logoUrl, String iconUrl,
        String brandColor, String timeZone) {

        static BrandingForm of(Branding b) {
            return new BrandingForm(b.companyName(), b.senderName(), b.supportEmail(), b.logoUrl(), b.iconUrl(),
                b.brandColor(), b.timeZone());
        }

        Branding branding() {
            return new Branding(blankToNull(senderName), blankToNull(supportEmail), blankToNull(companyName),
                blankToNull(logoUrl), blankToNull(brandColor), blankToNull(iconUrl), blankToNull(timeZone));
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }

    /**
     * What the previews show for a draft: the parts that are valid so far (a half-typed colour or URL is left out
     * until it is whole), as the addresses of the two framed documents.
     */
    record Preview(String company, String color, String emailSrc, String portalSrc) {}

    @GetMapping(PATH)
    String branding(Caller.Staff staff, Model model) {
        var saved = brandings.get(staff.accountId());
        return page(staff, BrandingForm.of(saved), Map.of(), model);
    }

    @PostMapping(PATH)
    String save(Caller.Staff staff, @ModelAttribute BrandingForm form, Model model, RedirectAttributes redirect,
        HttpServletResponse response) {
        try {
            changes.replace(staff.accountId(), form.branding());
        } catch (TillException e) {
            response.setStatus(e.code().status().value());
            return page(staff, form, FormErrors.of(e), model);
        }
        redirect.addFlashAttribute("flash", "Branding saved. New emails and portal pages use it from now on.");
        return "redirect:" + PATH;
    }

    /** htmx: the previews for the form as typed so far. */
    @PostMapping(PATH + "/preview")
    String preview(Caller.Staff staff, @ModelAttribute BrandingForm form, Model model) {
        model.addAttribute("preview", preview(staff, form));
        return "settings/branding :: preview";
    }

    @GetMapping(path = PATH + "/preview/email", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> emailPreview(Caller.Staff staff, @ModelAttribute BrandingForm form) {
        var draft = shown(form);
        String company = draft.companyNameOr(accounts.get(staff.accountId()).name());
        // The sent email links the seller's own logo; the preview shows Till's copy, as CSP allows images from Till.
        var framed = new Branding(draft.senderName(), draft.supportEmail(), draft.companyName(),
            draft.logoUrl() == null ? null : imageSrc(draft.logoUrl()), draft.brandColor(), draft.iconUrl(),
            draft.timeZone());
        String portal = publicAddress.baseUrl() + "/portal/" + staff.accountId();
        String text = """
            Hi Ada,

            Thank you for your order. Your subscription to the Monthly Box is active: your card ending in 4242 was \
            charged $29.00 on %s, and the next box ships on the 1st.

            Manage your subscription or update your card at %s
            """.formatted(PREVIEW_DAY.format(clock.instant().atZone(draft.zone())), portal);
        return ResponseEntity.ok()
            .contentType(MediaType.TEXT_HTML)
            .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                + "base-uri 'none'; form-action 'none'; " + FRAMED_BY_TILL)
            .cacheControl(CacheControl.noStore())
            .body(Emails.previewHtml(framed, company, text, publicAddress.baseUrl()));
    }

    @GetMapping(PATH + "/preview/portal")
    String portalPreview(Caller.Staff staff, @ModelAttribute BrandingForm form, Model model,
        HttpServletResponse response) {
        var draft = shown(form);
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; " + FRAMED_BY_TILL);
        model.addAttribute("company", draft.companyNameOr(accounts.get(staff.accountId()).name()));
        // As the portal does: the logo only when Till could fetch it, else the name stands alone.
        model.addAttribute("logoSrc", draft.logoUrl() != null && images.image(staff.accountId(), draft.logoUrl())
            .isPresent() ? imageSrc(draft.logoUrl()) : null);
        model.addAttribute("cssSrc", PATH + "/preview/brand.css?color=" + UriUtils.encode(
            draft.brandColor() == null ? Branding.PORTAL_COLOR : draft.brandColor(), StandardCharsets.UTF_8));
        model.addAttribute("supportEmail", draft.supportEmail());
        return "settings/branding_portal";
    }

    @GetMapping(path = PATH + "/preview/brand.css", produces = "text/css")
    ResponseEntity<String> brandCss(@RequestParam(defaultValue = "") String color) {
        return ResponseEntity.ok()
            .contentType(MediaType.valueOf("text/css"))
            .cacheControl(CacheControl.maxAge(Duration.ofHours(1)))
            .body(Branding.cssVariables(COLOR.matcher(color).matches() ? color : Branding.PORTAL_COLOR));
    }

    /** An image at a URL typed into the form, fetched by Till as the portal fetches the saved logo. */
    @GetMapping(PATH + "/preview/image")
    ResponseEntity<byte[]> image(Caller.Staff staff, @RequestParam String url) {
        if (EgressClient.invalidUrl(url) != null) {
            return ResponseEntity.notFound().build();
        }
        return images.image(staff.accountId(), url)
            .map(i -> ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(i.contentType()))
                .header("X-Content-Type-Options", "nosniff")
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline")
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePrivate())
                .body(i.bytes()))
            .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }

    private String page(Caller.Staff staff, BrandingForm form, Map<String, String> errors, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("accountName", accounts.get(staff.accountId()).name());
        model.addAttribute("preview", preview(staff, form));
        model.addAttribute("zones", TimeZoneChoices.groups(clock.instant(), form.timeZone()));
        return "settings/branding";
    }

    private Preview preview(Caller.Staff staff, BrandingForm form) {
        var draft = shown(form);
        var query = new java.util.StringJoiner("&");
        param(query, "companyName", draft.companyName());
        param(query, "senderName", draft.senderName());
        param(query, "supportEmail", draft.supportEmail());
        param(query, "logoUrl", draft.logoUrl());
        param(query, "brandColor", draft.brandColor());
        param(query, "timeZone", draft.timeZone());
        return new Preview(draft.companyNameOr(accounts.get(staff.accountId()).name()), draft.brandColor(),
            PATH + "/preview/email?" + query, PATH + "/preview/portal?" + query);
    }

    /** The draft's fields that are whole so far; the others are shown as if unset. */
    private static Branding shown(BrandingForm form) {
        var b = form.branding();
        return new Branding(clip(b.senderName(), 100), b.supportEmail() == null || b.supportEmail().length() > 254
            ? null
            : b.supportEmail(), clip(b.companyName(), 200), wholeUrl(b.logoUrl()),
            b.brandColor() != null && COLOR.matcher(b.brandColor()).matches() ? b.brandColor() : null,
            wholeUrl(b.iconUrl()), b.timeZone() != null && Branding.isTimeZone(b.timeZone()) ? b.timeZone() : null);
    }

    private static String imageSrc(String url) {
        return PATH + "/preview/image?url=" + UriUtils.encode(url, StandardCharsets.UTF_8);
    }

    /** Encodes every reserved character, {@code +} too: a query string decodes a bare {@code +} as a space. */
    private static void param(java.util.StringJoiner query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + UriUtils.encode(value, StandardCharsets.UTF_8));
        }
    }

    private static String wholeUrl(String url) {
        return url != null && EgressClient.invalidUrl(url) == null ? url : null;
    }

    private static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

}
