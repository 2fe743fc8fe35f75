package io.till.receipt;

/**
 * Whether OpenPDF may decode an image: a 512 KB PNG or GIF can claim 30,000 × 30,000 pixels, and OpenPDF unpacks PNGs
 * with transparency and every GIF into memory. The size is read from the headers before anything is decoded: a PNG's
 * one, and every frame's of a GIF (the decoder sizes its buffer by the frame, whatever the GIF's screen says). JPEGs
 * are embedded as they are, without decoding; any other format (BMP, TIFF), which OpenPDF would decode whole, is not
 * drawn.
 */
final class ImageSize {

    /** Far more than a logo needs (a 4,000 × 4,000 image), far less than a heap needs to fear. */
    static final long MAX_PIXELS = 16_000_000;

    private static final int GIF_TRAILER = 0x3B;
    private static final int GIF_EXTENSION = 0x21;
    private static final int GIF_IMAGE = 0x2C;

    private ImageSize() {}

    static boolean drawable(byte[] bytes) {
        if (bytes.length >= 24 && bytes[0] == (byte) 0x89 && bytes[1] == 'P') {
            // PNG: the IHDR chunk comes first, width and height big-endian at 16 and 20.
            return fits(bigEndian(bytes, 16), bigEndian(bytes, 20));
        }
        if (bytes.length >= 13 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F') {
            return gifDrawable(bytes);
        }
        return bytes.length >= 3 && bytes[0] == (byte) 0xff && bytes[1] == (byte) 0xd8 && bytes[2] == (byte) 0xff;
    }

    /**
     * A GIF's logical screen, then each of its blocks: every image's descriptor (its place and size on the screen) must
     * fit, and the file must be made of blocks as the format lays them out, or nothing of it is decoded.
     */
    private static boolean gifDrawable(byte[] bytes) {
        if (!fits(littleEndian(bytes, 6), littleEndian(bytes, 8))) {
            return false;
        }
        int at = 13 + colorTable(bytes[10]);
        int images = 0;
        while (at < bytes.length) {
            int block = bytes[at] & 0xff;
            if (block == GIF_TRAILER) {
                break;
            } else if (block == GIF_EXTENSION) {
                at = afterSubBlocks(bytes, at + 2);
            } else if (block == GIF_IMAGE && at + 10 <= bytes.length) {
                long left = littleEndian(bytes, at + 1);
                long top = littleEndian(bytes, at + 3);
                if (!fits(left + littleEndian(bytes, at + 5), top + littleEndian(bytes, at + 7))) {
                    return false;
                }
                images++;
                // The descriptor, its local colour table, the LZW code size, then the image's data.
                at = afterSubBlocks(bytes, at + 10 + colorTable(bytes[at + 9]) + 1);
            } else {
                return false;
            }
            if (at < 0) {
                return false;
            }
        }
        return images > 0;
    }

    /** The size of the colour table that a GIF's packed field announces: 3 × 2^(n+1) bytes when its flag is set. */
    private static int colorTable(byte packed) {
        return (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);
    }

    /** Where a GIF's chain of data sub-blocks starting at {@code at} ends (after its empty one); -1 when it runs out. */
    private static int afterSubBlocks(byte[] bytes, int at) {
        while (at >= 0 && at < bytes.length) {
            int size = bytes[at] & 0xff;
            at++;
            if (size == 0) {
                return at;
            }
            at += size;
        }
        return -1;
    }

    private static boolean fits(long width, long height) {
        // Each side is checked on its own first: two 32-bit sides multiplied can overflow a long.
        return width > 0 && height > 0 && width <= MAX_PIXELS && height <= MAX_PIXELS
            && width * height <= MAX_PIXELS;
    }

    private static long littleEndian(byte[] bytes, int at) {
        return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
    }

    private static long bigEndian(byte[] bytes, int at) {
        return (bytes[at] & 0xffL) << 24 | (bytes[at + 1] & 0xffL) << 16 | (bytes[at + 2] & 0xffL) << 8
            | bytes[at + 3] & 0xffL;
    }
}
