package io.till.shared;

/**
 * Whether a text is one plain email address, as a mail library sends to it: {@code ada@example.com}, never a display
 * name ({@code Eve <eve@example.com>}), a list, a comment, nor an address a mail library refuses ({@code
 * ada@gmail.com.}, {@code ada@gmail..com}). An address Till takes here is one it can send to: a looser check let a
 * support address with a trailing dot stop every email of its account (the Reply-To of each), and a buyer whose address
 * the library reads as another one never got a sign-in link.
 */
public final class EmailAddresses {

    /** What a mail library reads as structure around an address, not as part of one. */
    private static final String SPECIALS = "()<>[]\\,;:\"@";

    private EmailAddresses() {}

    public static boolean isPlain(String text) {
        if (text == null || text.length() < 3 || text.length() > 254) {
            return false;
        }
        int at = text.indexOf('@');
        if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1) {
            return false;
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        return local.length() <= 64 && dotted(local, 1) && dotted(domain, 2);
    }

    /** Parts joined by single dots, at least {@code parts} of them, none empty, none holding a special or a space. */
    private static boolean dotted(String text, int parts) {
        String[] split = text.split("\\.", -1);
        if (split.length < parts) {
            return false;
        }
        for (String part : split) {
            if (part.isEmpty()) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)
                    || SPECIALS.indexOf(c) >= 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
