package io.till.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Till keeps its data: an external PostgreSQL when {@code url} is set, otherwise an embedded one under
 * {@code dataDir}. {@code poolSize} connections serve requests, {@code workerPoolSize} more the background loops.
 */
@ConfigurationProperties("till.database")
record DatabaseSettings(
    String url,
    String username,
    String password,
    @DefaultValue("10") int poolSize,
    @DefaultValue("5") int workerPoolSize,
    @DefaultValue("0") int embeddedPort,
    @DefaultValue("data") Path dataDir) {

    boolean external() {
        return url != null && !url.isBlank();
    }
}
