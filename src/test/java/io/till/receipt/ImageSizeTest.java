package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageSizeTest {

    static byte[] png(int width, int height) {
        return ByteBuffer.allocate(33)
            .put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'})
            .putInt(width)
            .putInt(height)
            .array();
    }

    /** A GIF whose screen is {@code screen} pixels square and whose one image claims {@code frame} pixels square. */
    static byte[] gif(int screen, int frame) {
        return new byte[]{'G', 'I', 'F', '8', '9', 'a', (byte) screen, (byte) (screen >> 8), (byte) screen,
                (byte) (screen >> 8), 0, 0, 0,
                // The image: at 0,0, frame × frame, no local colour table, LZW code size 2, one data block, the end.
                0x2C, 0, 0, 0, 0, (byte) frame, (byte) (frame >> 8), (byte) frame, (byte) (frame >> 8), 0, 2, 2, 0x4C,
                0x01, 0, 0x3B};
    }

    @Test
    void aLogoSizedImageIsDrawn() throws IOException {
        assertThat(ImageSize.drawable(png(480, 128))).isTrue();
        assertThat(ImageSize.drawable(gif(240, 64))).isTrue();
        assertThat(ImageSize.drawable(new byte[]{(byte) 0xff, (byte) 0xd8, (byte) 0xff})).isTrue();
        var out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(240, 64, BufferedImage.TYPE_BYTE_INDEXED), "gif", out);
        assertThat(ImageSize.drawable(out.toByteArray())).as("a GIF as an image library writes it").isTrue();
    }

    @Test
    void aSmallFileClaimingHugeOrNoDimensionsIsNotDecoded() {
        assertThat(ImageSize.drawable(png(30_000, 30_000))).isFalse();
        assertThat(ImageSize.drawable(png(0, 10))).isFalse();
        assertThat(ImageSize.drawable(png(-1, -1))).isFalse();
        assertThat(ImageSize.drawable(gif(65_535, 1))).isFalse();
    }

    /**
     * A review found a 35-byte GIF whose screen says 1 × 1 and whose image says 20,000 × 20,000: the decoder sized its
     * buffer by the image, and one seller's logo ran the whole node out of memory at every receipt.
     */
    @Test
    void aGifWhoseImageOutgrowsItsScreenOrWhoseBlocksRunOutIsNotDecoded() {
        assertThat(ImageSize.drawable(gif(1, 20_000))).isFalse();
        byte[] truncated = java.util.Arrays.copyOf(gif(64, 64), 22);
        assertThat(ImageSize.drawable(truncated)).isFalse();
        assertThat(ImageSize.drawable(new byte[]{'B', 'M', 0, 0, 0, 0})).as("a BMP, decoded whole").isFalse();
    }
}
