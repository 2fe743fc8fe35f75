package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.till.testing.TillIntegrationTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;

@TillIntegrationTest
class MigrationsTest {

    /** Tables that are not owned by one account. */
    // sign_in_attempts: counted before anyone is signed in, for an email that may belong to no account; sign_in_devices
    // likewise: a browser is known for an email, as the sign-in form reads it, not for an account.
    private static final List<String> GLOBAL_TABLES = List.of("accounts", "flyway_schema_history", "test_clock",
        "sign_in_attempts", "sign_in_devices");

    @Autowired
    JdbcClient db;

    @Test
    void appliesEveryMigrationSuccessfully() throws IOException {
        var files = new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/V*.sql");

        var applied = db.sql("SELECT script FROM flyway_schema_history WHERE success ORDER BY installed_rank")
            .query(String.class)
            .list();

        assertThat(applied).containsExactlyInAnyOrderElementsOf(
            Arrays.stream(files).map(file -> file.getFilename()).toList());
    }

    @Test
    void scopesEveryTenantTableByAccount() {
        var tablesWithoutAccount = db.sql("""
            SELECT t.table_name
              FROM information_schema.tables t
             WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                                  AND c.column_name = 'account_id' AND c.is_nullable = 'NO')
            """)
            .query(String.class)
            .list();

        assertThat(tablesWithoutAccount).containsExactlyInAnyOrderElementsOf(GLOBAL_TABLES);
    }

    @Test
    void migratesNamingFeatureAndChange() throws IOException {
        var files = new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/*");

        assertThat(files).extracting(file -> file.getFilename())
            .allMatch(name -> name.matches("V\\d+__[a-z]+_[a-z_]+\\.sql"));
    }
}
