package io.till.account;

import io.till.shared.Ids;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class Accounts {

    private final JdbcClient db;
    private final Clock clock;

    Accounts(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Account create(String name, Mode mode) {
        var account = new Account(Ids.newId("acct"), name, mode, Timestamps.now(clock));
        db.sql("INSERT INTO accounts (id, name, mode, created_at) VALUES (:id, :name, :mode, :createdAt)")
            .param("id", account.id())
            .param("name", account.name())
            .param("mode", account.mode().code())
            .param("createdAt", Timestamps.of(account.createdAt()))
            .update();
        return account;
    }

    public Optional<Account> find(String id) {
        return db.sql("SELECT id, name, mode, created_at FROM accounts WHERE id = :id")
            .param("id", id)
            .query((rs, row) -> new Account(rs.getString("id"), rs.getString("name"),
                Mode.parse(rs.getString("mode")),
                Timestamps.read(rs, "created_at")))
            .optional();
    }

    public Account get(String id) {
        return find(id).orElseThrow(() -> TillException.notFound("account", id));
    }

    /** The account made on first start: the oldest one. */
    Optional<Account> first() {
        return db.sql("SELECT id FROM accounts ORDER BY created_at, id LIMIT 1")
            .query(String.class)
            .optional()
            .flatMap(this::find);
    }
}
