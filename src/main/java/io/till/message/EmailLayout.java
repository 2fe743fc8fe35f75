package io.till.message;

import io.till.account.Branding;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;

/**
 * The account's branded frame around an email body (logo or company name in the brand color, a footer naming the
 * company and the support address) and the plain-text twin every email carries, so that text-only clients and spam
 * filters see the same message.
 */
final class EmailLayout {

    private static final String DEFAULT_COLOR = "#334155";
    private static final Pattern BREAKS = Pattern.compile("(?i)<br\\s*/?>|</p>|</div>|</h[1-6]>|</li>|</tr>");
    /** The end of a table's cell: a space, so that "Amount due" and "$10.00" in two cells do not run together. */
    private static final Pattern CELLS = Pattern.compile("(?i)</t[dh]\\s*>");
    private static final Pattern TAGS = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern HIDDEN = Pattern.compile("(?is)<(style|script|head)[^>]*>.*?</\\1>");
    /** A link with an address in quotes, and its words (which may hold tags of their own). */
    private static final Pattern LINKS = Pattern.compile(
        "(?is)<a\\s[^>]*?href\\s*=\\s*([\"'])([^\"']*)\\1[^>]*>(.*?)</a\\s*>");

    /**
     * A link into this Till's customer portal in a text body (its address {@code baseUrl}): the seeded templates end a
     * sentence with {@code {{portal.card_update_url}}} or {@code {{portal.url}}}. In the HTML part it becomes a button
     * on a line of its own, as it is the one thing the email asks the buyer to do. Only this Till's own: a link
     * elsewhere that has "/portal/" in it (another service's, or one a buyer put in their name) stays a line of text.
     * Portal tokens never contain a dot, so a sentence's full stop after the link stays outside it.
     */
    private static Pattern portalLink(String baseUrl) {
        return Pattern.compile(Pattern.quote(HtmlUtils.htmlEscape(baseUrl))
            + "/portal/[a-z0-9_]+(?:/(card_link|link)/[a-z0-9_-]+)?(?=[\\s.,;:!?)]|$)");
    }

    private EmailLayout() {}

    /** The HTML part: {@code bodyHtml} as given (its templates were rendered HTML-escaped) inside the frame. */
    static String html(Branding branding, String companyName, String bodyHtml) {
        String color = branding.brandColor() == null ? DEFAULT_COLOR : branding.brandColor();
        String company = HtmlUtils.htmlEscape(companyName);
        String header = branding.logoUrl() == null
            ? "<span style=\"font-size:20px;font-weight:bold;color:#ffffff\">" + company + "</span>"
            : "<img src=\"" + HtmlUtils.htmlEscape(branding.logoUrl()) + "\" alt=\"" + company
                + "\" style=\"max-height:48px;border:0\">";
        String support = branding.supportEmail() == null
            ? ""
            : "<br>Questions? Write to <a href=\"mailto:" + HtmlUtils.htmlEscape(branding.supportEmail())
                + "\" style=\"color:" + color + "\">" + HtmlUtils.htmlEscape(branding.supportEmail()) + "</a>.";
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
            <body style="margin:0;padding:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif">
            <table role="presentation" width="100%%" cellpadding="0" cellspacing="0" style="background:#f4f4f5">
            <tr><td align="center" style="padding:24px 12px">
            <table role="presentation" width="100%%" cellpadding="0" cellspacing="0" style="max-width:600px;\
            width:100%%;background:#ffffff;border-radius:6px;overflow:hidden">
            <tr><td style="background:%s;padding:16px 24px;word-break:break-word;overflow-wrap:anywhere">%s</td></tr>
            <tr><td style="padding:24px;color:#1f2937;font-size:15px;line-height:1.5;word-break:break-word;            overflow-wrap:anywhere">%s</td></tr>
            <tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;color:#6b7280;font-size:12px;            word-break:break-word;overflow-wrap:anywhere">%s%s</td></tr>
            </table></td></tr></table></body></html>
            """
            .formatted(color, header, bodyHtml, company, support);
    }

    /** The plain-text part: the text with a short footer. */
    static String text(Branding branding, String companyName, String text) {
        String footer = "\n\n-- \n" + companyName
            + (branding.supportEmail() == null ? "" : "\nQuestions? Write to " + branding.supportEmail());
        return text.stripTrailing() + footer + "\n";
    }

    /**
     * Plain text for a body given only as HTML: tags dropped, breaks kept, entities decoded, and each link's address
     * kept beside its words ("Get help (https://…)"; the address alone when those words are it), so that a reader of
     * the text part can follow it.
     */
    static String htmlToText(String html) {
        String text = HIDDEN.matcher(html).replaceAll("");
        text = LINKS.matcher(text).replaceAll(link -> {
            String href = link.group(2);
            String words = TAGS.matcher(link.group(3)).replaceAll("").strip();
            String address = HtmlUtils.htmlUnescape(href).strip();
            boolean same = HtmlUtils.htmlUnescape(words).equals(address);
            return Matcher.quoteReplacement(words.isEmpty() || same ? href : words + " (" + href + ")");
        });
        text = BREAKS.matcher(text).replaceAll("\n");
        text = CELLS.matcher(text).replaceAll(" ");
        text = TAGS.matcher(text).replaceAll("");
        text = HtmlUtils.htmlUnescape(text);
        return text.replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip();
    }

    /** HTML for a body given only as text: escaped, line breaks kept, portal links as buttons. */
    static String textToHtml(String text, Branding branding, String baseUrl) {
        String color = branding.brandColor() == null ? DEFAULT_COLOR : branding.brandColor();
        String html = HtmlUtils.htmlEscape(text.strip()).replace("\r\n", "\n");
        html = portalLink(baseUrl).matcher(html).replaceAll(link -> Matcher.quoteReplacement("\n" + button(link.group(),
            link.group(1) == null
                ? "Open your account"
                : "card_link".equals(link.group(1))
                    ? "Update your card"
                    : "Sign in",
            color)));
        return html.replace("\n", "<br>\n");
    }

    private static String button(String escapedUrl, String label, String color) {
        return "<a href=\"" + escapedUrl + "\" style=\"display:inline-block;margin:8px 0;padding:12px 22px;background:"
            + color + ";color:" + Branding.inkOn(color)
            + ";border-radius:6px;text-decoration:none;font-weight:bold\">" + label + "</a>";
    }
}
