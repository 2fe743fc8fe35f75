package io.till.database;

import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

/**
 * Till's one {@link DataSource}, drawing from two pools: requests from one ({@code till}), everything else — the
 * automation and webhook loops, the billing clock, scheduled clean-ups, start-up — from the other ({@code till-workers}).
 * Shared, a burst of requests took every connection and the loops stalled behind them (or the reverse); apart, each
 * side is bounded by its own pool and waits only for its own kind. Two pools rather than a semaphore over one: Hikari
 * already bounds, queues and times out each, and its metrics show which side ran short. A thread's side is fixed for
 * the whole of a request, so a transaction never straddles the two.
 */
final class ConnectionPools extends AbstractRoutingDataSource {

    private enum Side {
        REQUESTS,
        WORKERS
    }

    ConnectionPools(DataSource requests, DataSource workers) {
        setTargetDataSources(Map.of(Side.REQUESTS, requests, Side.WORKERS, workers));
        setLenientFallback(false);
        afterPropertiesSet();
    }

    @Override
    protected Object determineCurrentLookupKey() {
        return RequestConnectionsFilter.servingRequest() ? Side.REQUESTS : Side.WORKERS;
    }
}
