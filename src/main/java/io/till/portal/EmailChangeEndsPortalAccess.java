package io.till.portal;

import io.till.event.Event;
import io.till.event.EventType;
import io.till.shared.RealTime;
import io.till.shared.Timestamps;
import java.time.Clock;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A customer whose email staff changed (a typo corrected, a mailbox no longer theirs) keeps no portal access that went
 * to the old address: their sessions end and the sign-in links not used yet are dropped, in the transaction that
 * changes the email. Card-update links are signed over the email ({@link CardLinks}) and end by themselves.
 */
@Component
class EmailChangeEndsPortalAccess {

    private final JdbcClient db;
    private final Clock clock;

    EmailChangeEndsPortalAccess(JdbcClient db, @RealTime Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Runs inside the transaction that records the event (see {@code Events#record}). */
    @EventListener
    void recorded(Event event) {
        if (!event.type().equals(EventType.CUSTOMER_UPDATED.type()) || event.customerId() == null
            || !event.data().path("previous_attributes").has("email")) {
            return;
        }
        db.sql("""
            UPDATE portal_sessions SET revoked_at = :now
             WHERE account_id = :accountId AND customer_id = :customerId AND revoked_at IS NULL
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", event.accountId())
            .param("customerId", event.customerId())
            .update();
        db.sql("""
            DELETE FROM portal_links
             WHERE account_id = :accountId AND customer_id = :customerId AND used_at IS NULL
            """)
            .param("accountId", event.accountId())
            .param("customerId", event.customerId())
            .update();
    }
}
