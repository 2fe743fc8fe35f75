package io.till.task;

import io.till.idempotency.RequestEffects;
import io.till.shared.ErrorCode;
import io.till.shared.Ids;
import io.till.shared.Page;
import io.till.shared.PageRequest;
import io.till.shared.TillException;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The staff's tasks. One created with an idempotency key is created once, however often it is asked for. */
@Repository
public class Tasks {

    private static final RowMapper<Task> TASK = (rs, row) -> new Task(rs.getString("id"), rs.getString("title"),
        rs.getString("notes"), rs.getString("customer_id"), rs.getString("invoice_id"), rs.getString("assignee"),
        Timestamps.read(rs, "due_at"),
        rs.getString("status"), rs.getString("execution_id"), Timestamps.read(rs, "created_at"),
        Timestamps.read(rs, "updated_at"));

    private final JdbcClient db;
    private final Clock clock;
    private final RequestEffects effects;

    Tasks(JdbcClient db, Clock clock, RequestEffects effects) {
        this.db = db;
        this.clock = clock;
        this.effects = effects;
    }

    /** What a new task says; everything but the title may be null. */
    public record NewTask(String title, String notes, String customerId, String invoiceId, String assignee,
        Instant dueAt, String executionId, String idempotencyKey) {}

    /** Creates the task, or returns the one already created with the same idempotency key. */
    @Transactional
    public Task create(String accountId, NewTask task) {
        var earlier = effects.recordedBefore("task");
        if (earlier.isPresent()) {
            // Created by an earlier attempt of this keyed request, which never got to answer (a crash, a 5xx).
            return get(accountId, earlier.get());
        }
        Instant now = Timestamps.now(clock);
        String id = db.sql("""
            INSERT INTO tasks (id, account_id, title, notes, customer_id, invoice_id, assignee, due_at, status,
                               execution_id, idempotency_key, created_at, updated_at)
            VALUES (:id, :accountId, :title, :notes, :customerId, :invoiceId, :assignee, :dueAt, 'open',
                    :executionId, :idempotencyKey, :now, :now)
            ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """)
            .param("id", Ids.newId("task"))
            .param("accountId", accountId)
            .param("title", task.title())
            .param("notes", task.notes())
            .param("customerId", task.customerId())
            .param("invoiceId", task.invoiceId())
            .param("assignee", task.assignee())
            .param("dueAt", task.dueAt() == null ? null : Timestamps.of(task.dueAt()))
            .param("executionId", task.executionId())
            .param("idempotencyKey", task.idempotencyKey())
            .param("now", Timestamps.of(now))
            .query(String.class)
            .optional()
            .orElseGet(() -> db.sql("SELECT id FROM tasks WHERE account_id = :accountId AND idempotency_key = :key")
                .param("accountId", accountId)
                .param("key", task.idempotencyKey())
                .query(String.class)
                .single());
        effects.recorded("task", id);
        return get(accountId, id);
    }

    /** Whether {@code text} can be a task's assignee: an email address, someone to write to. */
    static boolean isAssignee(String text) {
        int at = text.indexOf('@');
        return text.length() <= 254 && at > 0 && at == text.lastIndexOf('@') && at < text.length() - 1
            && text.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    }

    public Task get(String accountId, String id) {
        return db.sql("SELECT * FROM tasks WHERE account_id = :accountId AND id = :id")
            .param("accountId", accountId)
            .param("id", id)
            .query(TASK)
            .optional()
            .orElseThrow(() -> TillException.notFound("task", id));
    }

    /** Which tasks a list asks for; null fields do not filter. */
    record Filter(String status, String customerId) {}

    Page<Task> list(String accountId, Filter filter, PageRequest page) {
        return page.page(db.sql("""
            SELECT * FROM tasks
             WHERE account_id = :accountId
               AND (CAST(:status AS text) IS NULL OR status = :status)
               AND (CAST(:customerId AS text) IS NULL OR customer_id = :customerId)
               AND (CAST(:afterId AS text) IS NULL OR id < :afterId)
             ORDER BY id DESC
             LIMIT :limit
            """)
            .param("accountId", accountId)
            .param("status", filter.status())
            .param("customerId", filter.customerId())
            .param("afterId", page.afterId())
            .param("limit", page.fetchSize())
            .query(TASK)
            .list(), Task::id);
    }

    /** Gives the task to {@code assignee} (an email), or to nobody when null; a done task stays as it was. */
    @Transactional
    Task assign(String accountId, String id, String assignee) {
        int updated = db.sql("""
            UPDATE tasks SET assignee = :assignee, updated_at = :now
             WHERE account_id = :accountId AND id = :id AND status <> 'done'
            """)
            .param("assignee", assignee)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (updated == 0) {
            get(accountId, id);
            throw new TillException(ErrorCode.INVALID_STATE, "The task is already done: it is no longer assigned.");
        }
        return get(accountId, id);
    }

    /** Marks the task done, once: of two at the same moment, the second is told it is done already. */
    @Transactional
    Task complete(String accountId, String id) {
        int updated = db.sql("""
            UPDATE tasks SET status = 'done', updated_at = :now
             WHERE account_id = :accountId AND id = :id AND status <> 'done'
            """)
            .param("now", Timestamps.of(Timestamps.now(clock)))
            .param("accountId", accountId)
            .param("id", id)
            .update();
        if (updated == 0) {
            get(accountId, id);
            throw new TillException(ErrorCode.INVALID_STATE, "The task is already done.");
        }
        return get(accountId, id);
    }
}
