package io.till.testing;

import io.till.payment.PaymentGateway;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Makes the sandbox gateway fail right after it moved money, the worst moment for whoever asked: the charge or refund
 * is in the processor's books, and the caller never hears of it. Tests arm it for one account and one call. A child
 * Till about to be killed, started with {@code -Dtill.test.hang-after-charge-key=<prefix>} (e.g. {@code order:}), hangs
 * there instead after every charge whose key starts so, once it printed {@code CHARGED <key>}.
 */
public class GatewayFaults implements BeanPostProcessor {

    private record Armed(String method, RuntimeException failure) {}

    private final Map<String, Armed> armed = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Map<String, Hold> findHolds = new ConcurrentHashMap<>();
    private final Map<String, Hold> answerHolds = new ConcurrentHashMap<>();
    private final Map<String, Hold> refundsInTransit = new ConcurrentHashMap<>();
    private final Map<String, Hold> refundHolds = new ConcurrentHashMap<>();
    private final Map<String, java.time.Duration> searchLags = new ConcurrentHashMap<>();
    private final java.util.Set<String> processing = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> forgetful = ConcurrentHashMap.newKeySet();

    /**
     * A charge or refund held at the gateway's door: {@link #awaitEntered()} once it is there, {@link #release()} to
     * let it in.
     */
    public record Hold(java.util.concurrent.CountDownLatch entered, java.util.concurrent.CountDownLatch released) {

        static Hold fresh() {
            return new Hold(new java.util.concurrent.CountDownLatch(1), new java.util.concurrent.CountDownLatch(1));
        }

        public void awaitEntered() throws InterruptedException {
            if (!entered.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("no charge reached the gateway");
            }
        }

        public void release() {
            released.countDown();
        }
    }
    private final String hangAfterChargeKeyPrefix = System.getProperty("till.test.hang-after-charge-key");
    private final boolean armable;

    /** For a child Till: the gateway is left alone unless the child is to hang. */
    public GatewayFaults() {
        this(false);
    }

    private GatewayFaults(boolean armable) {
        this.armable = armable;
    }

    /** For the test application: every test may arm a fault for its own account. */
    static GatewayFaults armable() {
        return new GatewayFaults(true);
    }

    /** The account's next charge is made, then {@code failure} is thrown instead of its result. */
    public void afterNextCharge(String accountId, RuntimeException failure) {
        armed.put(accountId, new Armed("charge", failure));
    }

    /** The account's next charge is not made: {@code failure} is thrown instead, as if the request never arrived. */
    public void beforeNextCharge(String accountId, RuntimeException failure) {
        armed.put(accountId, new Armed("charge first", failure));
    }

    /**
     * The account's next search for a charge looks at the gateway, then waits with its answer until the test releases
     * it (at most 30 s): what it found is what the gateway held before.
     */
    public Hold holdAfterNextFind(String accountId) {
        var hold = Hold.fresh();
        findHolds.put(accountId, hold);
        return hold;
    }

    /** The account's next charge waits before the gateway until the test releases it (at most 30 s). */
    public Hold holdNextCharge(String accountId) {
        var hold = Hold.fresh();
        holds.put(accountId, hold);
        return hold;
    }

    /**
     * The account's next charge is made, then its answer waits on its way back until the test releases it (at most
     * 30 s): a charge made whose answer is late.
     */
    public Hold holdAnswerOfNextCharge(String accountId) {
        var hold = Hold.fresh();
        answerHolds.put(accountId, hold);
        return hold;
    }

    /**
     * The account's next refund leaves in time, then is held on its way (a slow network) until the test releases it
     * (at most 30 s): it reaches the gateway late, however long after its ask that is.
     */
    public Hold delayNextRefundInTransit(String accountId) {
        var hold = Hold.fresh();
        refundsInTransit.put(accountId, hold);
        return hold;
    }

    /** The account's next refund waits before the gateway until the test releases it (at most 30 s). */
    public Hold holdNextRefund(String accountId) {
        var hold = Hold.fresh();
        refundHolds.put(accountId, hold);
        return hold;
    }

    /**
     * Until {@link #searchCatchesUp}, the account's gateway finds no charge, as Stripe's search does not for one made
     * seconds ago, and says that it may not find one younger than {@code lag}.
     */
    public void searchLags(String accountId, java.time.Duration lag) {
        searchLags.put(accountId, lag);
    }

    public void searchCatchesUp(String accountId) {
        searchLags.remove(accountId);
    }

    /**
     * Until {@link #bankAnswers}, every charge of the account the gateway finds is one its bank is still processing,
     * neither paid nor declined, as a Stripe PaymentIntent in {@code processing} is.
     */
    public void bankProcessing(String accountId) {
        processing.add(accountId);
    }

    public void bankAnswers(String accountId) {
        processing.remove(accountId);
    }

    /**
     * From now on the account's gateway has forgotten the idempotency keys of its charges, as Stripe has a day after
     * a request: a charge asked again under a key it already charged is a new charge. Its search still finds the first.
     */
    public void forgetsKeys(String accountId) {
        forgetful.add(accountId);
    }

    /** The account's next refund is made, then {@code failure} is thrown instead of its reference. */
    public void afterNextRefund(String accountId, RuntimeException failure) {
        armed.put(accountId, new Armed("refund", failure));
    }

    /** The account's next refund is not made: {@code failure} is thrown instead, as if the request never arrived. */
    public void beforeNextRefund(String accountId, RuntimeException failure) {
        armed.put(accountId, new Armed("refund first", failure));
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (!(armable || hangAfterChargeKeyPrefix != null)
            || !bean.getClass().getName().equals("io.till.payment.SandboxGateway")) {
            return bean;
        }
        var proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) invocation -> {
            Object[] arguments = invocation.getArguments();
            if (arguments.length > 0 && arguments[0] instanceof String accountId
                && searchLags.containsKey(accountId)) {
                switch (invocation.getMethod().getName()) {
                    case "findCharge" -> {
                        return java.util.Optional.empty();
                    }
                    case "findChargeLag" -> {
                        return searchLags.get(accountId);
                    }
                    default -> {
                    }
                }
            }
            if (invocation.getArguments().length == 1
                && invocation.getArguments()[0] instanceof PaymentGateway.RefundRequest refund) {
                var hold = refundHolds.remove(refund.accountId());
                if (hold != null) {
                    hold.entered().countDown();
                    hold.released().await(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                var transit = refundsInTransit.remove(refund.accountId());
                if (transit != null) {
                    // It left in time: the gateway's check of its time to be sent passed before the delay.
                    ((org.springframework.aop.ProxyMethodInvocation) invocation).setArguments(
                        new PaymentGateway.RefundRequest(refund.accountId(), refund.idempotencyKey(),
                            refund.chargeReference(), refund.amount(), refund.currency(), java.time.Instant.MAX));
                    transit.entered().countDown();
                    transit.released().await(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                failIfArmed("refund first", refund.accountId());
            }
            if (invocation.getArguments().length == 1
                && invocation.getArguments()[0] instanceof PaymentGateway.ChargeRequest charge) {
                var hold = holds.remove(charge.accountId());
                if (hold != null) {
                    hold.entered().countDown();
                    hold.released().await(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                failIfArmed("charge first", charge.accountId());
                if (forgetful.contains(charge.accountId()) && ((PaymentGateway) invocation.getThis())
                    .findCharge(charge.accountId(), charge.idempotencyKey()).isPresent()) {
                    ((org.springframework.aop.ProxyMethodInvocation) invocation).setArguments(
                        new PaymentGateway.ChargeRequest(charge.accountId(), charge.idempotencyKey() + "#forgotten-"
                            + java.util.UUID.randomUUID(), charge.cardReference(), charge.amount(), charge.currency(),
                            charge.description(), charge.sendBy()));
                }
            }
            Object result = invocation.proceed();
            if (invocation.getMethod().getName().equals("findCharge") && arguments.length > 0
                && arguments[0] instanceof String accountId && processing.contains(accountId)
                && result instanceof java.util.Optional<?> found
                && found.orElse(null) instanceof PaymentGateway.ChargeResult charge) {
                throw new PaymentGateway.ChargeProcessing(charge.reference());
            }
            if (invocation.getMethod().getName().equals("findCharge") && arguments.length > 0
                && arguments[0] instanceof String accountId) {
                var hold = findHolds.remove(accountId);
                if (hold != null) {
                    hold.entered().countDown();
                    hold.released().await(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            Object argument = invocation.getArguments().length == 1 ? invocation.getArguments()[0] : null;
            if (argument instanceof PaymentGateway.ChargeRequest charge) {
                var answerHold = answerHolds.remove(charge.accountId());
                if (answerHold != null) {
                    answerHold.entered().countDown();
                    answerHold.released().await(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                hangIfAsked(charge.idempotencyKey());
                failIfArmed("charge", charge.accountId());
            } else if (argument instanceof PaymentGateway.RefundRequest refund) {
                failIfArmed("refund", refund.accountId());
            }
            return result;
        });
        return proxy.getProxy();
    }

    private void failIfArmed(String method, String accountId) {
        Armed fault = armed.get(accountId);
        if (fault != null && fault.method().equals(method) && armed.remove(accountId, fault)) {
            throw fault.failure();
        }
    }

    private void hangIfAsked(String key) {
        if (hangAfterChargeKeyPrefix != null && key.startsWith(hangAfterChargeKeyPrefix)) {
            PrintStream out = System.out;
            out.println("CHARGED " + key);
            out.flush();
            while (true) {
                LockSupport.park();
            }
        }
    }
}
