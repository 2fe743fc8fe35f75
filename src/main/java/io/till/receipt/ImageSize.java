package io.till.receipt;

/**
 * Whether OpenPDF may decode an image: a 512 KB PNG or GIF can claim 30,000 × 30,000 pixels, and OpenPDF unpacks PNGs
 * with transparency and every GIF into memory. The size is read from the header before anything is decoded; JPEGs are
 * embedded as they are, without decoding.
 */
final class ImageSize {

    /** Far more than a logo needs (a 4,000 × 4,000 image), far less than a heap needs to fear. */
    static final long MAX_PIXELS = 16_000_000;

    private ImageSize() {}

    static boolean drawable(byte[] bytes) {
        long width;
        long height;
        if (bytes.length >= 24 && bytes[0] == (byte) 0x89 && bytes[1] == 'P') {
            // PNG: the IHDR chunk comes first, width and height big-endian at 16 and 20.
            width = bigEndian(bytes, 16);
            height = bigEndian(bytes, 20);
        } else if (bytes.length >= 10 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F') {
            // GIF: the logical screen size, little-endian at 6 and 8.
            width = (bytes[6] & 0xff) | (bytes[7] & 0xff) << 8;
            height = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        } else {
            return true;
        }
        // Each side is checked on its own first: two 32-bit sides multiplied can overflow a long.
        return width > 0 && height > 0 && width <= MAX_PIXELS && height <= MAX_PIXELS
            && width * height <= MAX_PIXELS;
    }

    private static long bigEndian(byte[] bytes, int at) {
        return (bytes[at] & 0xffL) << 24 | (bytes[at + 1] & 0xffL) << 16 | (bytes[at + 2] & 0xffL) << 8
            | bytes[at + 3] & 0xffL;
    }
}
