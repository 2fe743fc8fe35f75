package io.till.shared;

import java.time.Duration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps this node's {@link TillClock} up with the sandbox test clock, which another node may have moved: its offset is
 * stored in {@code test_clock}, and a node follows it before deciding what is due.
 */
@Component
public class TestClockSync {

    private final TillClock clock;
    private final JdbcClient db;

    TestClockSync(TillClock clock, JdbcClient db) {
        this.clock = clock;
        this.db = db;
    }

    public void catchUp() {
        clock.catchUp(Duration.ofMillis(db.sql("SELECT offset_ms FROM test_clock WHERE id = 1")
            .query(Long.class)
            .single()));
    }
}
