package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

/** Events are written with the change they report, or not at all. */
@TillIntegrationTest
class TransactionalOutboxTest {

    @Autowired
    Events events;
    @Autowired
    TransactionTemplate transaction;
    @Autowired
    JdbcClient db;
    @Autowired
    TestAccounts accounts;

    @Test
    void leavesNoEventWhenTheChangeRollsBack() {
        var store = accounts.create();

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            events.record(store.id(), EventType.CUSTOMER_CREATED, null, Map.of("note", "doomed"));
            throw new IllegalStateException("the change failed");
        })).hasMessage("the change failed");

        assertThat(count(store.id())).isZero();
    }

    @Test
    void keepsTheEventWhenTheChangeCommits() {
        var store = accounts.create();

        transaction.executeWithoutResult(
            status -> events.record(store.id(), EventType.CUSTOMER_CREATED, null, Map.of("note", "kept")));

        assertThat(count(store.id())).isEqualTo(1);
    }

    @Test
    void refusesToRecordOutsideATransaction() {
        var store = accounts.create();

        assertThatThrownBy(() -> events.record(store.id(), EventType.CUSTOMER_CREATED, null, Map.of()))
            .isInstanceOf(IllegalTransactionStateException.class);
    }

    private long count(String accountId) {
        return db.sql("SELECT count(*) FROM events WHERE account_id = :accountId")
            .param("accountId", accountId)
            .query(Long.class)
            .single();
    }
}
