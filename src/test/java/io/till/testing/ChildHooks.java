package io.till.testing;

import java.io.PrintStream;
import java.util.concurrent.locks.LockSupport;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Hooks for a child Till that a test is about to kill. With {@code -Dtill.test.hang-after-charge=true} the sandbox
 * gateway completes a charge made for an automation step (key {@code automation:…}), prints {@code CHARGED <key>} and
 * never returns: the process dies between taking the money and recording it, the worst moment there is.
 */
@TestConfiguration(proxyBeanMethods = false)
@Import(GatewayFaults.class)
public class ChildHooks {

    @Bean
    static BeanPostProcessor hangAfterAutomationCharge() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!Boolean.getBoolean("till.test.hang-after-charge")
                    || !bean.getClass().getName().equals("io.till.payment.SandboxGateway")) {
                    return bean;
                }
                var proxy = new ProxyFactory(bean);
                proxy.setProxyTargetClass(true);
                proxy.addAdvice((MethodInterceptor) invocation -> {
                    Object result = invocation.proceed();
                    if (invocation.getMethod().getName().equals("charge")) {
                        String key = String.valueOf(invocation.getArguments()[0].getClass().getMethod(
                            "idempotencyKey").invoke(invocation.getArguments()[0]));
                        if (key.startsWith("automation:")) {
                            PrintStream out = System.out;
                            out.println("CHARGED " + key);
                            out.flush();
                            while (true) {
                                LockSupport.park();
                            }
                        }
                    }
                    return result;
                });
                return proxy.getProxy();
            }
        };
    }
}
