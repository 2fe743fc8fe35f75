package io.till.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;

/** The new-product form's option rows, as staff add, empty and remove them before saving. */
class ProductFormTest {

    /**
     * Rows Monthly, (emptied), Lifetime; "Remove option 3" removes Lifetime, the third row shown: a review found the
     * blank row dropped first and the removal then taking the row after the one asked.
     */
    @Test
    void removingARowRemovesTheRowShownWhateverRowsAboveItWereEmptied() {
        var params = new LinkedMultiValueMap<String, String>();
        params.put("name", List.of("Membership"));
        params.put("currency", List.of("usd"));
        params.put("option_name", List.of("Monthly", "", "Lifetime"));
        params.put("option_kind", List.of("subscription", "subscription", "one_time"));
        params.put("option_price", List.of("19", "", "499"));
        params.put("option_interval", List.of("month", "month", ""));
        params.put("option_every", List.of("1", "1", ""));
        params.put("option_trial_days", List.of("", "", ""));
        params.put("option_installments", List.of("", "", ""));
        params.put("option_cycles", List.of("", "", ""));

        var removedThird = ProductForm.of(params, 2);
        var removedFirst = ProductForm.of(params, 0);

        assertThat(removedThird.options()).extracting(ProductForm.OptionRow::name).containsExactly("Monthly");
        assertThat(removedFirst.options()).extracting(ProductForm.OptionRow::name).containsExactly("Lifetime");
        assertThat(ProductForm.of(params).options()).extracting(ProductForm.OptionRow::name)
            .containsExactly("Monthly", "Lifetime");
    }
}
