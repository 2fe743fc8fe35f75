package io.till.database;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Till keeps its data: an external PostgreSQL when {@code url} is set, otherwise an embedded one under
 * {@code dataDir}. {@code poolSize} connections serve requests, {@code workerPoolSize} more the background loops.
 *
 * @param connectionTimeout how long a request waits for a connection before it is told the database is unavailable
 * @param requestQueueTimeout how long a request waits for its turn (at most {@code poolSize} are served at once)
 *     before it is answered 503 busy, having done nothing
 * @param embeddedDurable whether the embedded server flushes every commit to disk; only tests turn it off, for speed
 * @param embeddedWatchInterval how often Till checks that its embedded server is still running, to start it again
 */
@ConfigurationProperties("till.database")
record DatabaseSettings(
    String url,
    String username,
    String password,
    @DefaultValue("10") int poolSize,
    @DefaultValue("5s") Duration connectionTimeout,
    @DefaultValue("2s") Duration requestQueueTimeout,
    @DefaultValue("5") int workerPoolSize,
    @DefaultValue("0") int embeddedPort,
    @DefaultValue("data") Path dataDir,
    @DefaultValue("true") boolean embeddedDurable,
    @DefaultValue("1s") Duration embeddedWatchInterval) {

    boolean external() {
        return url != null && !url.isBlank();
    }
}
