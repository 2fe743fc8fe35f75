package io.till.portal;

import io.till.payment.CardSetups;
import io.till.shared.RealTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The card setups this node opened for buyers and they have not finished: a buyer who opens the add-card page again
 * (a reload, a second tab, back from an error) is given the setup already open for them, rather than a new Stripe
 * Customer and SetupIntent at every view of the page, each left empty in the seller's Stripe account. A setup is kept
 * {@link #REUSED_FOR}, and forgotten once finished; in memory only, as a restart or another node opening one more is
 * harmless. Its client secret never leaves memory.
 */
@Component
class OpenCardSetups {

    static final Duration REUSED_FOR = Duration.ofMinutes(30);
    /** Buyers with a setup open at once on one node, beyond which the oldest are let go. */
    static final int MOST = 10_000;

    private record Open(CardSetups.Started setup, Instant openedAt) {}

    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final Clock clock;

    OpenCardSetups(@RealTime Clock clock) {
        this.clock = clock;
    }

    /** The setup open for this buyer, or the one {@code start} opens now. */
    CardSetups.Started openFor(String accountId, String customerId, Supplier<CardSetups.Started> start) {
        Instant now = clock.instant();
        Open kept = open.get(key(accountId, customerId));
        if (kept != null && kept.openedAt().plus(REUSED_FOR).isAfter(now)) {
            return kept.setup();
        }
        if (open.size() >= MOST) {
            open.values().removeIf(setup -> !setup.openedAt().plus(REUSED_FOR).isAfter(now));
            if (open.size() >= MOST) {
                open.clear();
            }
        }
        var started = start.get();
        open.put(key(accountId, customerId), new Open(started, now));
        return started;
    }

    /** The buyer finished a setup (or it failed): the next view of the page opens a new one. */
    void finished(String accountId, String customerId) {
        open.remove(key(accountId, customerId));
    }

    private static String key(String accountId, String customerId) {
        return accountId + "/" + customerId;
    }
}
