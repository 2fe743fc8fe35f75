package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

class EventSignalTest {

    private final EventSignal signal = new EventSignal();

    private static final EventSignal.Fed NEITHER = new EventSignal.Fed(false, false);
    private static final EventSignal.Fed MATCHER = new EventSignal.Fed(true, false);
    private static final EventSignal.Fed WEBHOOKS = new EventSignal.Fed(false, true);

    @Test
    void eachFeedIsWokenOnlyByEventsThatLeftItRows() {
        long events = signal.generation();
        long webhooks = signal.webhookGeneration();

        signal.afterCommit(MATCHER);

        assertThat(signal.generation()).isEqualTo(events + 1);
        assertThat(signal.webhookGeneration()).isEqualTo(webhooks);

        signal.afterCommit(WEBHOOKS);

        assertThat(signal.generation()).isEqualTo(events + 1);
        assertThat(signal.webhookGeneration()).isEqualTo(webhooks + 1);

        signal.afterCommit(NEITHER);

        assertThat(signal.generation()).isEqualTo(events + 1);
        assertThat(signal.webhookGeneration()).isEqualTo(webhooks + 1);
    }

    @Test
    void aTransactionFiresOnceAfterItCommitsForEachFeedThatAnyOfItsEventsLeftARow() {
        long events = signal.generation();
        long webhooks = signal.webhookGeneration();
        List<TransactionSynchronization> synchronizations;
        TransactionSynchronizationManager.initSynchronization();
        try {
            signal.afterCommit(NEITHER);
            signal.afterCommit(WEBHOOKS);
            signal.afterCommit(MATCHER);
            signal.afterCommit(NEITHER);
            assertThat(signal.generation()).as("nothing before the commit").isEqualTo(events);
            synchronizations = TransactionSynchronizationManager.getSynchronizations();
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }

        synchronizations.forEach(s -> s.afterCompletion(TransactionSynchronization.STATUS_COMMITTED));

        assertThat(signal.generation()).isEqualTo(events + 1);
        assertThat(signal.webhookGeneration()).isEqualTo(webhooks + 1);
    }

    @Test
    void aRolledBackTransactionFiresNothing() {
        long events = signal.generation();
        List<TransactionSynchronization> synchronizations;
        TransactionSynchronizationManager.initSynchronization();
        try {
            signal.afterCommit(new EventSignal.Fed(true, true));
            synchronizations = TransactionSynchronizationManager.getSynchronizations();
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }

        synchronizations.forEach(s -> s.afterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK));

        assertThat(signal.generation()).isEqualTo(events);
        assertThat(signal.webhookGeneration()).isZero();
    }
}
