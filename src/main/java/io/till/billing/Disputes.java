package io.till.billing;

import io.till.account.Accounts;
import io.till.account.Mode;
import io.till.customer.Customers;
import io.till.event.EventType;
import io.till.event.Events;
import io.till.shared.ErrorCode;
import io.till.shared.TillException;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Disputes (chargebacks): in the sandbox a seller simulates one; in live mode they come from the card network. */
@Component
class Disputes {

    private final JdbcClient db;
    private final Payments payments;
    private final Accounts accounts;
    private final Customers customers;
    private final Events events;
    private final TransactionTemplate transaction;

    Disputes(JdbcClient db, Payments payments, Accounts accounts, Customers customers, Events events,
        TransactionTemplate transaction) {
        this.db = db;
        this.payments = payments;
        this.accounts = accounts;
        this.customers = customers;
        this.events = events;
        this.transaction = transaction;
    }

    /** Sandbox only: the buyer's bank disputes the payment (a chargeback). */
    Payment dispute(String accountId, String paymentId) {
        if (accounts.get(accountId).mode() == Mode.LIVE) {
            throw new TillException(ErrorCode.LIVE_MODE, "Disputes come from the card network in live mode; only the "
                + "sandbox can simulate one.");
        }
        return transaction.execute(status -> {
            db.sql("SELECT id FROM payments WHERE account_id = :accountId AND id = :id FOR NO KEY UPDATE")
                .param("accountId", accountId)
                .param("id", paymentId)
                .query(String.class)
                .optional()
                .orElseThrow(() -> TillException.notFound("payment", paymentId));
            Payment payment = payments.get(accountId, paymentId);
            if (!payment.status().equals("succeeded")) {
                throw new TillException(ErrorCode.INVALID_STATE, "A " + payment.status() + " payment cannot be "
                    + "disputed.");
            }
            db.sql(
                "UPDATE payments SET status = 'disputed' WHERE account_id = :accountId AND id = :id AND status = 'succeeded'")
                .param("accountId", accountId)
                .param("id", paymentId)
                .update();
            Payment disputed = payments.get(accountId, paymentId);
            events.record(accountId, EventType.PAYMENT_DISPUTED, disputed.customerId(), Map.of("payment",
                disputed, "customer", customers.get(accountId, disputed.customerId())));
            return disputed;
        });
    }
}
