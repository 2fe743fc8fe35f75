package io.till.billing;

import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.Timestamps;
import java.util.Map;
import java.util.function.Function;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The one list query every billing record shares: an account's rows, optionally one customer's, in one status, created
 * within a window, newest first.
 */
final class CustomerRecordLists {

    private CustomerRecordLists() {}

    /** @param table one of the billing tables (a constant of the caller, never user input) */
    static <T> Page<T> newestFirst(JdbcClient db, String table, String accountId, RecordFilter filter,
        PageRequest page, RowMapper<T> rows, Function<T, String> idOf) {
        return newestFirst(db, table, "true", accountId, filter, page, rows, idOf);
    }

    /**
     * The same list, of the rows that also meet {@code condition} (a constant SQL condition of the caller, such as
     * {@code overdue}, never user input).
     */
    static <T> Page<T> newestFirst(JdbcClient db, String table, String condition, String accountId,
        RecordFilter filter, PageRequest page, RowMapper<T> rows, Function<T, String> idOf) {
        return newestFirst(db, table, condition, Map.of(), accountId, filter, page, rows, idOf);
    }

    /**
     * The same list, of the rows that meet {@code condition} with its named parameters bound from
     * {@code conditionParams}: a filter of one table only, such as a payment's {@code invoice_id}.
     */
    static <T> Page<T> newestFirst(JdbcClient db, String table, String condition, Map<String, ?> conditionParams,
        String accountId, RecordFilter filter, PageRequest page, RowMapper<T> rows, Function<T, String> idOf) {
        return page.page(db.sql("""
            SELECT * FROM %s
             WHERE account_id = :accountId AND (%s)
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
               AND (CAST(:status AS text) IS NULL OR status = :status)
               AND (CAST(:createdFrom AS timestamptz) IS NULL OR created_at >= :createdFrom)
               AND (CAST(:createdTo AS timestamptz) IS NULL OR created_at < :createdTo)
               AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """.formatted(table, condition))
            .param("accountId", accountId)
            .param("customerId", filter.customerId())
            .param("status", filter.status())
            .param("createdFrom", Timestamps.of(filter.from()))
            .param("createdTo", Timestamps.of(filter.to()))
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .params(conditionParams)
            .query(rows)
            .list(), idOf);
    }
}
