package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ImageSizeTest {

    static byte[] png(int width, int height) {
        return ByteBuffer.allocate(33)
            .put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'})
            .putInt(width)
            .putInt(height)
            .array();
    }

    static byte[] gif(int width, int height) {
        return new byte[]{'G', 'I', 'F', '8', '9', 'a', (byte) width, (byte) (width >> 8), (byte) height,
                (byte) (height >> 8)};
    }

    @Test
    void aLogoSizedImageIsDrawn() {
        assertThat(ImageSize.drawable(png(480, 128))).isTrue();
        assertThat(ImageSize.drawable(gif(240, 64))).isTrue();
        assertThat(ImageSize.drawable(new byte[]{(byte) 0xff, (byte) 0xd8, (byte) 0xff})).isTrue();
    }

    @Test
    void aSmallFileClaimingHugeOrNoDimensionsIsNotDecoded() {
        assertThat(ImageSize.drawable(png(30_000, 30_000))).isFalse();
        assertThat(ImageSize.drawable(png(0, 10))).isFalse();
        assertThat(ImageSize.drawable(png(-1, -1))).isFalse();
        assertThat(ImageSize.drawable(gif(65_535, 65_535))).isFalse();
    }
}
