package io.till.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Hooks for a child Till that a test is about to kill or pause, both placed just after the sandbox gateway completed a
 * charge made for an automation step (key {@code automation:…}), before Till records it: the child prints
 * {@code CHARGED <key>}, then
 * <ul>
 * <li>with {@code -Dtill.test.hang-after-charge=true} never returns: the process dies between taking the money and
 * recording it, the worst moment there is;
 * <li>with {@code -Dtill.test.pause-after-first-charge=true}, on its first such charge only, waits for a line on its
 * standard input: a test pauses the process there until its lease is gone, and then lets it write late.
 * </ul>
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(GatewayFaults.class)
public class ChildHooks {

    @Bean
    static BeanPostProcessor holdAfterAutomationCharge() {
        boolean hang = Boolean.getBoolean("till.test.hang-after-charge");
        boolean pause = Boolean.getBoolean("till.test.pause-after-first-charge");
        var paused = new AtomicBoolean();
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(hang || pause) || !bean.getClass().getName().equals("io.till.payment.SandboxGateway")) {
                    return bean;
                }
                var proxy = new ProxyFactory(bean);
                proxy.setProxyTargetClass(true);
                proxy.addAdvice((MethodInterceptor) invocation -> {
                    Object result = invocation.proceed();
                    if (!invocation.getMethod().getName().equals("charge")) {
                        return result;
                    }
                    String key = String.valueOf(invocation.getArguments()[0].getClass().getMethod("idempotencyKey")
                        .invoke(invocation.getArguments()[0]));
                    if (!key.startsWith("automation:") || (!hang && paused.getAndSet(true))) {
                        return result;
                    }
                    PrintStream out = System.out;
                    out.println("CHARGED " + key);
                    out.flush();
                    if (hang) {
                        while (true) {
                            LockSupport.park();
                        }
                    }
                    awaitLineOnStandardInput();
                    return result;
                });
                return proxy.getProxy();
            }
        };
    }

    private static void awaitLineOnStandardInput() {
        try {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            // The test is gone: go on.
        }
    }
}
