package io.till.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The colours the portal derives from a seller's brand colour read where they are used, whatever the colour. */
class BrandColoursTest {

    /** WCAG contrast of two #RRGGBB colours. */
    private static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(String color) {
        double[] weights = {0.2126, 0.7152, 0.0722};
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            double c = Integer.parseInt(color.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            sum += weights[i] * (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
        }
        return sum;
    }

    @Test
    void aBrandColourThatReadsOnWhiteIsKeptAsText() {
        assertThat(Branding.textOnWhite("#3B5BDB")).isEqualTo("#3b5bdb");
        assertThat(Branding.textOnWhite("#000000")).isEqualTo("#000000");
    }

    @Test
    void aPaleBrandColourIsDarkenedUntilItReadsOnWhite() {
        for (String pale : new String[]{"#ffff00", "#ffffff", "#f0e68c", "#00ff7f", "#ff6600", "#87ceeb"}) {
            String text = Branding.textOnWhite(pale);

            assertThat(contrast(text, "#ffffff")).as(pale + " as " + text).isGreaterThanOrEqualTo(4.5);
            assertThat(text).as("no darker than it needs").satisfies(shade -> assertThat(contrast(shade,
                "#ffffff")).isLessThan(6.5));
        }
    }

    @Test
    void theStylesheetCarriesTheColourItsInkAndItsTextShade() {
        assertThat(Branding.cssVariables("#FFFF00")).isEqualTo(":root{--brand:#ffff00;--brand-ink:#111827;"
            + "--brand-text:" + Branding.textOnWhite("#ffff00") + "}\n");
    }
}
