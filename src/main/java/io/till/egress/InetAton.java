package io.till.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 address as the C library's {@code inet_aton} reads it, and browsers and curl with it: one to four parts,
 * each decimal, octal (a leading 0) or hexadecimal (0x), the last filling the bytes left ({@code 127.1} is 127.0.0.1,
 * {@code 0x7f000001} too).
 */
final class InetAton {

    private static final Pattern PART = Pattern.compile("0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*");

    private InetAton() {}

    /** The address {@code text} stands for, or empty when it is not one of these forms. */
    static Optional<InetAddress> read(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long address = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (!PART.matcher(part).matches() || part.length() > 12) {
                return Optional.empty();
            }
            long value = part.startsWith("0x")
                ? Long.parseLong(part.substring(2), 16)
                : part.length() > 1 && part.startsWith("0") ? Long.parseLong(part, 8) : Long.parseLong(part);
            boolean last = i == parts.length - 1;
            long most = last ? (1L << (8 * (4 - i))) - 1 : 255;
            if (value > most) {
                return Optional.empty();
            }
            address = last ? address << (8 * (4 - i)) | value : address << 8 | value;
        }
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
