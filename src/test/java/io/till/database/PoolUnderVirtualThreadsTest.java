package io.till.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.util.ConcurrentBag;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Till's requests and steps run on virtual threads, two carriers on a two-core machine. HikariCP before 7.1.0 gave a
 * connection back by spinning on {@code Thread.yield()} while any thread waited for one; a waiter woken but not yet
 * running (every waiter at once, after a long pause of the node) then never ran, its carriers taken by spinners, and
 * the pool handed nothing over again: the chaos suite's zombie node, thawed, stopped so (HikariCP #2398). Since 7.1.0 a
 * virtual thread parks instead, which this checks the pool in use knows how to tell (Boot manages an older version).
 */
class PoolUnderVirtualThreadsTest {

    @Test
    void thePoolTellsVirtualThreadsApartSoThatTheyParkRatherThanSpinWhileGivingAConnectionBack() {
        assertThat(Arrays.stream(ConcurrentBag.class.getDeclaredFields())
            .filter(field -> Modifier.isStatic(field.getModifiers()))
            .map(java.lang.reflect.Field::getName))
            .as("HikariCP 7.1.0 or later (pom.xml, hikaricp.version)").contains("THREAD_IS_VIRTUAL");
    }
}
