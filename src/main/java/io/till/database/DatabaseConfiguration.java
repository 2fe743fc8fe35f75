package io.till.database;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The one {@link DataSource} ({@link ConnectionPools}) over the configured PostgreSQL server, or Till's embedded one
 * when none is configured: a pool for requests and one for background work.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseSettings.class)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedDatabaseHandle embeddedDatabase(DatabaseSettings settings) {
        if (settings.external()) {
            return new EmbeddedDatabaseHandle(null);
        }
        return new EmbeddedDatabaseHandle(EmbeddedDatabase.start(settings.dataDir(), settings.embeddedPort(),
            settings.embeddedDurable(), settings.embeddedWatchInterval()));
    }

    @Bean
    @Primary
    DataSource dataSource(HikariDataSource requestPool, @Qualifier("workerPool") HikariDataSource workerPool) {
        return new ConnectionPools(requestPool, workerPool);
    }

    /** At most as many requests at once as the requests' pool has connections (see {@link RequestAdmission}). */
    @Bean
    RequestAdmission requestAdmission(DatabaseSettings settings) {
        return new RequestAdmission(settings.poolSize(), settings.requestQueueTimeout());
    }

    /** The requests' pool; the only {@link HikariDataSource} injected by type (for its URL and user). */
    @Bean(destroyMethod = "close")
    HikariDataSource requestPool(DatabaseSettings settings, EmbeddedDatabaseHandle embedded) {
        return pool("till", settings.poolSize(), settings, embedded, "");
    }

    /**
     * The background loops' connections plan each statement for its own parameters and the tables as they are then.
     * Their queues (the event inbox, the execution queue) go from empty to a hundred thousand rows in a moment; a
     * statement reused on a connection gets PostgreSQL's generic plan, made once for the table as it was, which for an
     * empty inbox scans the whole table to delete the rows a batch took (measured: 700-850 ms a batch of 500 from an
     * inbox of 100,000, 2-3 ms with a plan made for it) until the next ANALYZE, a minute away on a default server.
     * Their statements each serve a batch, so planning each costs little.
     */
    static final String WORKER_OPTIONS = " -c plan_cache_mode=force_custom_plan";

    /** The background loops' pool: injected only by name. */
    @Bean(destroyMethod = "close", defaultCandidate = false)
    HikariDataSource workerPool(DatabaseSettings settings, EmbeddedDatabaseHandle embedded) {
        return pool("till-workers", settings.workerPoolSize(), settings, embedded, WORKER_OPTIONS);
    }

    private static HikariDataSource pool(String name, int size, DatabaseSettings settings,
        EmbeddedDatabaseHandle embedded, String options) {
        var dataSource = new HikariDataSource();
        dataSource.setPoolName(name);
        dataSource.setMaximumPoolSize(size);
        // A request waiting for a connection is told the database is unavailable in seconds, not after Hikari's 30.
        dataSource.setConnectionTimeout(settings.connectionTimeout().toMillis());
        // A node frozen mid-transaction (SIGSTOP, a long GC pause, a hung VM) keeps its row locks, and every other node
        // waiting on them stalls with it, whatever the leases say. No transaction of Till's waits idle for long, so the
        // server ends one that does well within the automation lease and the others go on (found by the chaos suite).
        dataSource.addDataSourceProperty("options", "-c idle_in_transaction_session_timeout=30s" + options);
        if (settings.external()) {
            dataSource.setJdbcUrl(settings.url());
            dataSource.setUsername(settings.username());
            dataSource.setPassword(settings.password());
        } else {
            dataSource.setJdbcUrl(embedded.database().jdbcUrl());
        }
        return dataSource;
    }

    /** Holds the embedded server, if any, so that it stops only after the pools that use it have closed. */
    record EmbeddedDatabaseHandle(EmbeddedDatabase database) implements AutoCloseable {
        @Override
        public void close() {
            if (database != null) {
                database.close();
            }
        }
    }
}
