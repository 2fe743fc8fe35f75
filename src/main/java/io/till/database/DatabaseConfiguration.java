package io.till.database;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one {@link DataSource}: the configured PostgreSQL server, or Till's embedded one when none is configured. */
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

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseSettings settings, EmbeddedDatabaseHandle embedded) {
        var dataSource = new HikariDataSource();
        dataSource.setPoolName("till");
        dataSource.setMaximumPoolSize(settings.poolSize());
        // A request waiting for a connection is told the database is unavailable in seconds, not after Hikari's 30.
        dataSource.setConnectionTimeout(settings.connectionTimeout().toMillis());
        if (settings.external()) {
            dataSource.setJdbcUrl(settings.url());
            dataSource.setUsername(settings.username());
            dataSource.setPassword(settings.password());
        } else {
            dataSource.setJdbcUrl(embedded.database().jdbcUrl());
        }
        return dataSource;
    }

    /** Holds the embedded server, if any, so that it stops only after the pool that uses it has closed. */
    record EmbeddedDatabaseHandle(EmbeddedDatabase database) implements AutoCloseable {
        @Override
        public void close() {
            if (database != null) {
                database.close();
            }
        }
    }
}
