package io.till.payment;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads the sandbox processor's books: how many charges it really made, which is what "never twice" is about. */
@Component
public class SandboxLedger {

    private final JdbcClient db;

    SandboxLedger(JdbcClient db) {
        this.db = db;
    }

    public long charges(String accountId) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :accountId")
            .param("accountId", accountId)
            .query(Long.class)
            .single();
    }

    public long successfulCharges(String accountId) {
        return db.sql("SELECT count(*) FROM sandbox_charges WHERE account_id = :accountId AND outcome = 'succeeded'")
            .param("accountId", accountId)
            .query(Long.class)
            .single();
    }
}
