package io.till.egress;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Where calls to user-supplied destinations are cut off past their deadline (an HTTP call, an SMTP session): one daemon
 * thread, which only cuts. A call that ended in time takes its deadline away with it, not when it would have come.
 */
final class Deadlines {

    static final ScheduledExecutorService SCHEDULER = scheduler();

    private Deadlines() {}

    private static ScheduledExecutorService scheduler() {
        var scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("till-egress-deadlines")
            .factory());
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}
