package io.till.testing;

import io.till.action.Action;
import io.till.action.ActionCall;
import io.till.action.ActionResult;
import io.till.action.ActionSchema;
import io.till.action.ActionSchema.Param;
import io.till.action.ActionSchema.Type;
import io.till.action.OutboundCalls;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Actions that exist only in tests. Each call is written to {@code test_action_calls} (with the node that made it),
 * so a test sees every call, its attempt and its idempotency key, even those made by another Till process.
 * <ul>
 * <li>{@code test.record} succeeds; {@code test.in_transaction} too, inside the caller's transaction (or throws, with
 * {@code fail});
 * <li>{@code test.flaky} fails its first {@code fail_times} attempts (retryably, unless {@code permanent});
 * <li>{@code test.hang} never returns on a node started with {@code -Dtill.test.hang=true} (it prints
 * {@code HANG <key>} first), and succeeds elsewhere;
 * <li>{@code test.block} waits, while a test holds its account's gate ({@link #hold}), until the test releases it;
 * {@code test.stuck} too, and is stopped at its cap ({@code till.automation.action-timeouts.test.stuck}) first; given
 * a {@code note}, each records an outbound call under its key (as {@code send_slack} does) and answers the note;
 * <li>{@code test.taken_over}, on its first call, does what another node does when this one's lease has run out: it
 * claims the execution under a token of its own; then it succeeds.
 * </ul>
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestActions {

    public static final String NODE = System.getProperty("till.test.node", "test");

    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    /** Makes the account's {@code test.block} steps wait until {@link #release}. */
    public static void hold(String accountId) {
        GATES.put(accountId, new CountDownLatch(1));
    }

    public static void release(String accountId) {
        var gate = GATES.remove(accountId);
        if (gate != null) {
            gate.countDown();
        }
    }

    /** One call of a test action. */
    public record Call(String action, String stepId, String idempotencyKey, int attempt, String node) {}

    public static List<Call> calls(JdbcClient db, String accountId) {
        return db.sql("""
            SELECT action, step_id, idempotency_key, attempt, node FROM test_action_calls
             WHERE account_id = :accountId ORDER BY seq
            """)
            .param("accountId", accountId)
            .query((rs, row) -> new Call(rs.getString("action"), rs.getString("step_id"),
                rs.getString("idempotency_key"), rs.getInt("attempt"), rs.getString("node")))
            .list();
    }

    @Bean
    CallLog testActionCalls(JdbcClient db) {
        db.sql("""
            CREATE TABLE IF NOT EXISTS test_action_calls (
                seq             bigserial PRIMARY KEY,
                account_id      text NOT NULL,
                action          text NOT NULL,
                step_id         text NOT NULL,
                idempotency_key text NOT NULL,
                attempt         integer NOT NULL,
                node            text NOT NULL)
            """).update();
        return new CallLog(db);
    }

    public record CallLog(JdbcClient db) {
        void add(String action, ActionCall call) {
            db.sql("""
                INSERT INTO test_action_calls (account_id, action, step_id, idempotency_key, attempt, node)
                VALUES (:accountId, :action, :stepId, :key, :attempt, :node)
                """)
                .param("accountId", call.accountId())
                .param("action", action)
                .param("stepId", call.stepId())
                .param("key", call.idempotencyKey())
                .param("attempt", call.attempt())
                .param("node", NODE)
                .update();
        }
    }

    @Bean
    Action testRecord(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.record", "records its call",
                    Param.optional("note", Type.STRING, "anything"));
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.record", call);
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("note", call.params()
                    .path("note").asString("")));
            }
        };
    }

    @Bean
    Action testBlock(CallLog log, OutboundCalls outbound) {
        return blocking("test.block", "waits while its test holds the gate", log, outbound);
    }

    /** As {@code test.block}, with a cap of a few milliseconds in the tests' settings. */
    @Bean
    Action testStuck(CallLog log, OutboundCalls outbound) {
        return blocking("test.stuck", "waits while its test holds the gate, beyond its cap", log, outbound);
    }

    private static Action blocking(String name, String description, CallLog log, OutboundCalls outbound) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of(name, description, Param.optional("note", Type.STRING, "anything"));
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add(name, call);
                String note = call.params().path("note").asString(null);
                if (note != null) {
                    outbound.reserve(call, name);
                }
                var gate = GATES.get(call.accountId());
                try {
                    if (gate != null && !gate.await(2, TimeUnit.MINUTES)) {
                        return ActionResult.Failed.permanent("gate", "the test never released the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                var output = JsonNodeFactory.instance.objectNode();
                if (note != null) {
                    output.put("note", note);
                    outbound.done(call, output);
                }
                return new ActionResult.Done(output);
            }
        };
    }

    /**
     * {@code test.in_transaction}: transactional (its call is a row of the caller's transaction, so it takes steps at
     * a run's start); with {@code fail}, it throws after writing that row.
     */
    @Bean
    Action testInTransaction(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.in_transaction", "records its call in the caller's transaction",
                    Param.optional("fail", Type.BOOLEAN, "throw after recording"));
            }

            @Override
            public boolean transactional() {
                return true;
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.in_transaction", call);
                if (call.params().path("fail").asBoolean(false)) {
                    throw new IllegalStateException("a constraint this action broke");
                }
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode());
            }
        };
    }

    @Bean
    Action testBoom() {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.boom", "throws instead of answering, as a bug would");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                throw new IllegalStateException("pool exhausted at jdbc:postgresql://10.0.0.7/till");
            }
        };
    }

    /**
     * {@code test.unwritable} answers with an output Till cannot write down (a value whose serializer throws, as a
     * plugin's odd value would).
     */
    @Bean
    Action testUnwritable(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.unwritable", "answers with an output that cannot be written down");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.unwritable", call);
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode()
                    .putPOJO("odd", new Unwritable()));
            }
        };
    }

    /**
     * {@code test.deep} answers with an output nested deeper than anything Till walks recursively can go (a plugin's
     * answer built in code, which no parser's depth limit saw).
     */
    @Bean
    Action testDeep(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.deep", "answers with an output nested too deep to walk");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.deep", call);
                var output = JsonNodeFactory.instance.objectNode();
                var inner = output;
                for (int depth = 0; depth < 1_000_000; depth++) {
                    inner = inner.putObject("in");
                }
                return new ActionResult.Done(output);
            }
        };
    }

    /** A value whose serializer throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("this value cannot be written down");
        }
    }

    @Bean
    Action testCrash(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.crash", "dies of an Error, as a stack overflow would");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.crash", call);
                throw new StackOverflowError();
            }
        };
    }

    @Bean
    Action testFlaky(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.flaky", "fails its first attempts",
                    Param.required("fail_times", Type.INTEGER, "how many attempts fail"),
                    Param.optional("permanent", Type.BOOLEAN, "whether the failures are permanent"),
                    Param.optional("retry_after", Type.STRING, "a Retry-After to answer, ISO-8601"));
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.flaky", call);
                long failTimes = call.params().get("fail_times").asLong();
                long made = log.db().sql("""
                    SELECT count(*) FROM test_action_calls WHERE account_id = :accountId AND idempotency_key = :key
                    """)
                    .param("accountId", call.accountId())
                    .param("key", call.idempotencyKey())
                    .query(Long.class)
                    .single();
                if (made <= failTimes) {
                    boolean permanent = call.params().path("permanent").asBoolean(false);
                    var retryAfter = call.params().has("retry_after")
                        ? java.time.Duration.parse(call.params().get("retry_after").asString())
                        : null;
                    return new ActionResult.Failed("flaky", "failure " + made + " of " + failTimes, !permanent,
                        retryAfter);
                }
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("calls", made));
            }
        };
    }

    @Bean
    Action testTakenOver(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.taken_over", "has its execution taken over by another node once");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.taken_over", call);
                long calls = log.db().sql("""
                    SELECT count(*) FROM test_action_calls WHERE account_id = :accountId AND idempotency_key = :key
                    """)
                    .param("accountId", call.accountId())
                    .param("key", call.idempotencyKey())
                    .query(Long.class)
                    .single();
                if (calls == 1) {
                    log.db().sql("UPDATE execution_queue SET lease_token = gen_random_uuid() WHERE execution_id = :id")
                        .param("id", call.executionId())
                        .update();
                }
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode().put("calls", calls));
            }
        };
    }

    private static volatile Thread roundThread;

    /** Makes {@code test.dry_pool} refuse {@code thread} its next two connections once it is performed. */
    public static void dryPoolAfterStep(Thread thread) {
        roundThread = thread;
    }

    @Bean
    Action testDryPool(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.dry_pool", "leaves its round without a connection for a moment");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.dry_pool", call);
                Thread round = roundThread;
                if (round != null) {
                    roundThread = null;
                    ConnectionNestingGuard.refuseConnections(round, 2);
                }
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode());
            }
        };
    }

    @Bean
    Action testHang(CallLog log) {
        return new Action() {
            @Override
            public ActionSchema schema() {
                return ActionSchema.of("test.hang", "hangs on a node told to");
            }

            @Override
            public ActionResult perform(ActionCall call) {
                log.add("test.hang", call);
                if (Boolean.getBoolean("till.test.hang")) {
                    PrintStream out = System.out;
                    out.println("HANG " + call.idempotencyKey());
                    out.flush();
                    while (true) {
                        LockSupport.park();
                    }
                }
                return new ActionResult.Done(JsonNodeFactory.instance.objectNode());
            }
        };
    }
}
