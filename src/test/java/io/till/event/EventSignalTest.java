package io.till.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

class EventSignalTest {

    private final EventSignal signal = new EventSignal();

    @Test
    void eventsWithoutRowsForTheWebhookFeedWakeTheMatcherButNotTheFeed() {
        long events = signal.generation();
        long webhooks = signal.webhookGeneration();

        signal.afterCommit(false);

        assertThat(signal.generation()).isEqualTo(events + 1);
        assertThat(signal.webhookGeneration()).isEqualTo(webhooks);

        signal.afterCommit(true);

        assertThat(signal.generation()).isEqualTo(events + 2);
        assertThat(signal.webhookGeneration()).isEqualTo(webhooks + 1);
    }

    @Test
    void aTransactionFiresOnceAfterItCommitsForTheFeedIfAnyOfItsEventsLeftARow() {
        long events = signal.generation();
        long webhooks = signal.webhookGeneration();
        List<TransactionSynchronization> synchronizations;
        TransactionSynchronizationManager.initSynchronization();
        try {
            signal.afterCommit(false);
            signal.afterCommit(true);
            signal.afterCommit(false);
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
            signal.afterCommit(true);
            synchronizations = TransactionSynchronizationManager.getSynchronizations();
        } finally {
            TransactionSynchronizationManager.clearSynchronization();
        }

        synchronizations.forEach(s -> s.afterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK));

        assertThat(signal.generation()).isEqualTo(events);
        assertThat(signal.webhookGeneration()).isZero();
    }
}
