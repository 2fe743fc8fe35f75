package io.till.shared;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What keeps a customer's erasure and a write made from their data as read before from passing each other: the
 * erasure takes its customer's key alone ({@link #forErasure}) before it looks at anything, and a writer takes the keys
 * of the customers it writes about shared ({@link #againstErasure}) once it has read their data and before it writes:
 * either the erasure came first, and the writer, reading again after this, sees what it erased; or the erasure waits
 * for the writer's transaction, and then finds what it wrote. Transaction-scoped PostgreSQL advisory locks.
 */
public final class ErasureHolds {

    /** A customer of an account. */
    public record Person(String accountId, String customerId) {}

    private ErasureHolds() {}

    /** Takes the customer's erasure key alone until the caller's transaction ends. */
    public static void forErasure(JdbcClient db, String accountId, String customerId) {
        db.sql("SELECT pg_advisory_xact_lock(hashtextextended('erasure/' || :accountId || '/' || :customerId, 0))")
            .param("accountId", accountId)
            .param("customerId", customerId)
            .query()
            .listOfRows();
    }

    /**
     * Holds each of {@code people} against their erasure until the caller's transaction ends; in one order (by account,
     * then customer), so that two writers never wait for each other.
     */
    public static void againstErasure(JdbcClient db, Collection<Person> people) {
        List<Person> sorted = people.stream().distinct().sorted(Comparator.comparing(Person::accountId)
            .thenComparing(Person::customerId)).toList();
        if (sorted.isEmpty()) {
            return;
        }
        db.sql("""
            SELECT pg_advisory_xact_lock_shared(hashtextextended('erasure/' || k.account_id || '/' || k.customer_id, 0))
              FROM unnest(CAST(:accounts AS text[]), CAST(:customers AS text[])) WITH ORDINALITY AS k(account_id,
                   customer_id, n)
             ORDER BY k.n
            """)
            .param("accounts", sorted.stream().map(Person::accountId).toArray(String[]::new))
            .param("customers", sorted.stream().map(Person::customerId).toArray(String[]::new))
            .query()
            .listOfRows();
    }
}
