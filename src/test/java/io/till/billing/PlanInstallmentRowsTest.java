package io.till.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The installments a plan's record lists, from its invoices. */
class PlanInstallmentRowsTest {

    private static final Instant CREATED = Instant.parse("2026-01-10T12:00:00Z");
    private static final Instant NEXT = Instant.parse("2026-05-10T12:00:00Z");

    private static RecordViews.InvoiceRow invoice(String id, int sequence, String status) {
        return new RecordViews.InvoiceRow(id, sequence, sequence, status, "$25.00", null, null, CREATED, status
            .equals("paid") ? CREATED : null, 1);
    }

    /**
     * Installment 2 voided after installment 3 was paid: two are paid (1 and 3), and 2 is owed again, billed on the
     * next bill date, before 4. The count of paid ones alone listed 2 as paid and 4 as the next one billed.
     */
    @Test
    void aVoidedInstallmentIsOwedAgainWhateverTheCountOfPaidOnes() {
        var plan = new PaymentPlan("plan_1", "cus_1", "ord_1", "prod_1", "opt_1", "card_1", "active", 2500, "usd", 4,
            2, "month", 1, NEXT, CREATED);

        var rows = PaymentPlanPages.installments(plan, 2500, List.of(invoice("inv_2", 2, "void"), invoice("inv_3", 3,
            "paid")));

        assertThat(rows).extracting(PaymentPlanPages.Installment::status)
            .containsExactly("paid", "upcoming", "paid", "upcoming");
        assertThat(rows.get(1).date()).isEqualTo(NEXT);
        assertThat(rows.get(3).date()).isEqualTo(Instant.parse("2026-06-10T12:00:00Z"));
    }
}
