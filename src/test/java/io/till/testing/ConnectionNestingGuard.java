package io.till.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.aopalliance.intercept.MethodInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/**
 * Refuses, in every integration test, a thread that asks for a second database connection while it holds one: a query
 * inside another's row mapper, or a new transaction opened inside one. Each such thread holds one connection while
 * waiting for another, so as many of them as the pool has connections wait forever; the guard makes the first one
 * fail loudly instead, naming the code path, however few requests the test sends at once.
 */
@TestConfiguration(proxyBeanMethods = false)
public class ConnectionNestingGuard {

    private static final Logger log = LoggerFactory.getLogger(ConnectionNestingGuard.class);
    private static final ThreadLocal<Set<Connection>> HELD = ThreadLocal
        .withInitial(() -> Collections.newSetFromMap(new IdentityHashMap<>()));
    private static final Map<Thread, Integer> REFUSALS = new ConcurrentHashMap<>();

    /**
     * Makes the next {@code count} asks of {@code thread} for a connection fail as Hikari's do when its pool stays dry
     * past the connection timeout (every connection busy, or the database unreachable): nothing is done with them.
     * A count of 0 takes back what is left.
     */
    public static void refuseConnections(Thread thread, int count) {
        if (count > 0) {
            REFUSALS.put(thread, count);
        } else {
            REFUSALS.remove(thread);
        }
    }

    /** Whether this ask of the current thread is one to refuse; counts it. */
    private static boolean refusing() {
        var refused = new boolean[1];
        REFUSALS.computeIfPresent(Thread.currentThread(), (thread, left) -> {
            refused[0] = true;
            return left > 1 ? left - 1 : null;
        });
        return refused[0];
    }

    @Bean
    static Guard connectionNestingGuardPostProcessor() {
        return new Guard();
    }

    /**
     * Guards one application's DataSource. Off while that application starts (Flyway holds two connections on purpose,
     * alone on the main thread), and per application: a test class that starts a context of its own runs Flyway
     * while the shared context's guard is armed.
     */
    static final class Guard implements BeanPostProcessor, ApplicationListener<ApplicationReadyEvent> {

        private volatile boolean armed;

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            armed = true;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
            // Only the DataSource the application uses; the pools behind it are reached through it.
            if (!name.equals("dataSource") || !(bean instanceof DataSource)) {
                return bean;
            }
            var proxy = new ProxyFactory(bean);
            // A subclass proxy where it can be, so that a test may still inject the pool as what it is.
            proxy.setProxyTargetClass(!Modifier.isFinal(bean.getClass().getModifiers()));
            proxy.addAdvice((MethodInterceptor) invocation -> {
                if (!invocation.getMethod().getName().equals("getConnection")) {
                    return invocation.proceed();
                }
                if (refusing()) {
                    throw new SQLTransientConnectionException("till-workers - Connection is not available, request "
                        + "timed out after 30000ms (refused by the test)");
                }
                Set<Connection> held = HELD.get();
                if (armed && !held.isEmpty()) {
                    var nested = new IllegalStateException("This thread asked for a second database connection "
                        + "while it holds one: under load, threads doing this wait on each other for good");
                    log.error("Nested connection", nested);
                    throw nested;
                }
                return tracked((Connection) invocation.proceed(), held);
            });
            return proxy.getProxy(ConnectionNestingGuard.class.getClassLoader());
        }
    }

    /** The connection, counted as held by this thread until it is closed. */
    private static Connection tracked(Connection connection, Set<Connection> held) {
        var wrapper = (Connection) Proxy.newProxyInstance(ConnectionNestingGuard.class.getClassLoader(),
            new Class<?>[]{Connection.class}, (self, method, args) -> {
                if (method.getName().equals("close")) {
                    held.remove(self);
                }
                try {
                    return method.invoke(connection, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        held.add(wrapper);
        return wrapper;
    }
}
