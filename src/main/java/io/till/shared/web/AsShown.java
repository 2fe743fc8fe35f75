package io.till.shared.web;

/**
 * Whether a form's field came back as the page showed it (the page sends what it showed in a hidden field beside it):
 * a field left as shown is not saved, so that a save of one field never puts back another that the API, an
 * automation or another tab changed since the page was drawn. Unknown ({@code shown} null, a form from before) is a
 * change.
 */
public final class AsShown {

    private AsShown() {}

    /** A one-line field (text, email, tel, date, number): a browser drops its line breaks; its ends are not compared. */
    public static boolean line(String sent, String shown) {
        return shown != null && sent.strip().equals(shown.replaceAll("[\\r\\n]", "").strip());
    }

    /** A text area: a browser sends its line breaks as CRLF; its ends are not compared. */
    public static boolean text(String sent, String shown) {
        return shown != null && sent.replace("\r\n", "\n").strip().equals(shown.replace("\r\n", "\n").strip());
    }
}
