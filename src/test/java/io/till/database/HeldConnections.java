package io.till.database;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Every connection a pool may open, taken and held until closed: the pool has none left to give. */
final class HeldConnections implements AutoCloseable {

    private final List<Connection> connections = new ArrayList<>();

    HeldConnections(HikariDataSource pool) throws SQLException {
        for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
            connections.add(pool.getConnection());
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection connection : connections) {
            connection.close();
        }
    }
}
