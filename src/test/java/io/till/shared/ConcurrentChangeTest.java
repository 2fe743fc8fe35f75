package io.till.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;

class ConcurrentChangeTest {

    @Test
    void aDeadlockOrASerializationFailureIsAConcurrentChangeAndABadQueryIsNot() {
        assertThat(ConcurrentChange.explains(new PessimisticLockingFailureException("deadlock detected",
            new SQLException("deadlock detected", "40P01")))).isTrue();
        assertThat(ConcurrentChange.explains(new IllegalStateException("wrapped", new SQLException(
            "could not serialize access", "40001")))).isTrue();
        assertThat(ConcurrentChange.explains(new DataIntegrityViolationException("duplicate key",
            new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(ConcurrentChange.explains(new IllegalStateException("a bug"))).isFalse();
    }
}
