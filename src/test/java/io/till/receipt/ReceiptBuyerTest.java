package io.till.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "Billed to" block of a receipt email names the buyer, as the PDF does, whatever the address holds. */
class ReceiptBuyerTest {

    @Test
    void anAddressWithoutANameIsBilledToTheBuyerByName() {
        var buyer = new Receipt.Buyer("Ada Lovelace", "ada@example.com", new Receipt.BillingAddress(List.of(
            "1 Main St", "London", "United Kingdom")));

        assertThat(buyer.billedTo()).containsExactly("Ada Lovelace", "1 Main St", "London", "United Kingdom");
    }

    @Test
    void aCompanyIsBilledUnderTheBuyersNameAndTheBuyersOwnNameIsNotRepeated() {
        var company = new Receipt.Buyer("Ada Lovelace", "ada@example.com", new Receipt.BillingAddress(List.of(
            "Analytical Ltd", "United Kingdom")));
        var named = new Receipt.Buyer("Ada Lovelace", "ada@example.com", new Receipt.BillingAddress(List.of(
            "Ada Lovelace", "United Kingdom")));
        var none = new Receipt.Buyer("Ada Lovelace", "ada@example.com", null);

        assertThat(company.billedTo()).containsExactly("Ada Lovelace", "Analytical Ltd", "United Kingdom");
        assertThat(named.billedTo()).containsExactly("Ada Lovelace", "United Kingdom");
        assertThat(none.billedTo()).isEmpty();
    }

    /**
     * A reviewer's: the page and the PDF print the name, the email, then the address, whose first line was the name
     * again ("Grace Hopper / grace@… / Grace Hopper / 1 Main St"). Under the name, the address leaves it out.
     */
    @Test
    void underTheBuyersNameTheAddressDoesNotRepeatIt() {
        var named = new Receipt.Buyer("Grace Hopper", "grace@example.com", new Receipt.BillingAddress(List.of(
            "Grace Hopper", "1 Main St", "Arlington")));
        var company = new Receipt.Buyer("Grace Hopper", "grace@example.com", new Receipt.BillingAddress(List.of(
            "Cobol Ltd", "1 Main St")));
        var none = new Receipt.Buyer("Grace Hopper", "grace@example.com", null);

        assertThat(named.addressLines()).containsExactly("1 Main St", "Arlington");
        assertThat(company.addressLines()).containsExactly("Cobol Ltd", "1 Main St");
        assertThat(none.addressLines()).isEmpty();
    }
}
