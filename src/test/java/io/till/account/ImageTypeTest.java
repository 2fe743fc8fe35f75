package io.till.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageTypeTest {

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void tellsTheFourRasterFormatsByTheirFirstBytes() {
        assertThat(ImageType.of(bytes("\u0089PNG\r\n\u001a\n\0\0\0\rIHDR"))).hasValue("image/png");
        assertThat(ImageType.of(bytes("\u00ff\u00d8\u00ff\u00e0\0\u0010JFIF"))).hasValue("image/jpeg");
        assertThat(ImageType.of(bytes("GIF89a\u0001\0\u0001\0"))).hasValue("image/gif");
        assertThat(ImageType.of(bytes("GIF87a\u0001\0\u0001\0"))).hasValue("image/gif");
        assertThat(ImageType.of(bytes("RIFF\u0024\0\0\0WEBPVP8 "))).hasValue("image/webp");
    }

    @Test
    void refusesSvgHtmlAndAnythingElseWhateverItCallsItself() {
        assertThat(ImageType.of(bytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"))).isEmpty();
        assertThat(ImageType.of(bytes("<?xml version=\"1.0\"?><svg/>"))).isEmpty();
        assertThat(ImageType.of(bytes("<!DOCTYPE html><img src=x onerror=alert(1)>"))).isEmpty();
        assertThat(ImageType.of(bytes("RIFF\u0024\0\0\0WAVEfmt "))).isEmpty();
        assertThat(ImageType.of(bytes("\u0089PN"))).isEmpty();
        assertThat(ImageType.of(new byte[0])).isEmpty();
    }
}
