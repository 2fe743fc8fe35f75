package io.till.bench;

import io.till.testing.Api;
import io.till.testing.TestAccounts;
import io.till.testing.TillIntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Customer search as you type, on an account with 100,000 customers, through the real HTTP API on the embedded
 * PostgreSQL. Prints latency percentiles; asserts nothing about time. Run with {@code bench/customer-search}.
 */
@Tag("benchmark")
@TillIntegrationTest
// Measured on a database as durable as the one a newcomer runs, not on the test suite's throwaway one.
@TestPropertySource(properties = "till.database.embedded-durable=true")
class CustomerSearchBenchmark {

    private static final Logger log = LoggerFactory.getLogger(CustomerSearchBenchmark.class);
    private static final int CUSTOMERS = 100_000;
    private static final int WARMUP = 300;
    private static final int SEARCHES = 2_000;
    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Barbara", "Edsger", "Donald", "Margaret", "Ken",
            "Dennis", "Frances", "Radia", "Tim", "Vint", "Hedy", "John", "Katherine", "Linus", "Guido", "Bjarne",
            "Anita"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Knuth", "Hamilton",
            "Thompson", "Ritchie", "Allen", "Perlman", "Berners-Lee", "Cerf", "Lamarr", "McCarthy", "Johnson",
            "Torvalds",
            "van Rossum", "Stroustrup", "Borg", "Backus", "Kay", "Wirth", "Codd", "Goldberg", "Lamport", "Milner",
            "Hoare", "Engelbart", "Sutherland", "Shannon", "Neumann", "Babbage", "Boole", "Church", "Kleene", "Rivest",
            "Shamir", "Adleman", "Diffie", "Hellman", "Stallman", "Gosling", "Hejlsberg", "Matsumoto", "Wall",
            "Lerdorf",
            "Eich", "Pike", "Kernighan"};

    @Autowired
    Api api;
    @Autowired
    TestAccounts accounts;
    @Autowired
    JdbcClient db;

    @Test
    void searchesCustomersAsYouType() {
        var store = accounts.create();
        long loadStart = System.nanoTime();
        db.sql("""
            INSERT INTO customers (id, account_id, name, email, created_at, updated_at)
            SELECT 'cus_bench' || lpad(g::text, 21, '0'), :accountId,
                   (CAST(:first AS text[]))[1 + g % 20] || ' ' || (CAST(:last AS text[]))[1 + (g / 20) % 50],
                   lower((CAST(:first AS text[]))[1 + g % 20]) || '.' || g || '@example.com',
                   now(), now()
              FROM generate_series(1, :count) AS g
            """)
            .param("accountId", store.id())
            .param("first", FIRST)
            .param("last", LAST)
            .param("count", CUSTOMERS)
            .update();
        db.sql("ANALYZE customers").update();
        log.info("Loaded {} customers in {} ms", CUSTOMERS, (System.nanoTime() - loadStart) / 1_000_000);

        var random = new Random(42);
        var results = new ArrayList<String>();
        for (String kind : List.of("3-char name prefix", "4-char substring of a last name", "email fragment",
            "digits of an email", "2-char prefix")) {
            for (int i = 0; i < WARMUP; i++) {
                search(store.apiKey(), query(kind, random));
            }
            long[] micros = new long[SEARCHES];
            for (int i = 0; i < SEARCHES; i++) {
                String query = query(kind, random);
                long start = System.nanoTime();
                search(store.apiKey(), query);
                micros[i] = (System.nanoTime() - start) / 1_000;
            }
            Arrays.sort(micros);
            results.add("%-32s p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms   max %6.2f ms".formatted(kind,
                micros[SEARCHES / 2] / 1000.0, micros[SEARCHES * 95 / 100] / 1000.0,
                micros[SEARCHES * 99 / 100] / 1000.0, micros[SEARCHES - 1] / 1000.0));
        }
        log.info("\n\nCustomer search, {} customers in one account, {} searches per kind through GET "
            + "/api/v1/customers?query= (limit 20), client-measured:\n  {}\n  command: bench/customer-search\n",
            CUSTOMERS, SEARCHES, String.join("\n  ", results));
    }

    private static String query(String kind, Random random) {
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        return switch (kind) {
            case "3-char name prefix" -> first.substring(0, 3).toLowerCase();
            case "4-char substring of a last name" -> {
                String word = last.length() < 5 ? last + "x" : last;
                int from = random.nextInt(word.length() - 3);
                yield word.substring(from, from + 4);
            }
            case "email fragment" -> first.toLowerCase() + "." + (1 + random.nextInt(99));
            case "digits of an email" -> Integer.toString(1000 + random.nextInt(98_000));
            default -> first.substring(0, 2);
        };
    }

    private void search(String apiKey, String query) {
        var response = api.get("/api/v1/customers?limit=20&query=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
            apiKey);
        if (response.status() != 200) {
            throw new IllegalStateException("search failed: " + response.text());
        }
    }
}
