package io.till.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Where a person's values are still found in Till's database, for the erasure tests. */
public final class PersonalDataSearch {

    private PersonalDataSearch() {}

    /** The tables with a row whose text holds the value, in any case. */
    public static List<String> tablesHolding(JdbcClient db, String value) {
        var tables = db.sql("""
            SELECT table_name FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'flyway%'
             ORDER BY table_name
            """).query(String.class).list();
        var holding = new ArrayList<String>();
        for (String table : tables) {
            long rows = db.sql("SELECT count(*) FROM " + table + " t WHERE strpos(lower(t::text), :value) > 0")
                .param("value", value.toLowerCase(Locale.ROOT))
                .query(Long.class)
                .single();
            if (rows > 0) {
                holding.add(table);
            }
        }
        return holding;
    }

    /** {@code count} random lowercase letters: a name no other test's data holds. */
    public static String letters(int count) {
        var random = ThreadLocalRandom.current();
        var text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
