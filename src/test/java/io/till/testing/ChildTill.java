package io.till.testing;

import io.till.TillApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A second Till process for tests that kill one: the application plus the test actions, nothing else. */
public final class ChildTill {

    private ChildTill() {}

    public static void main(String[] args) {
        // A test JVM that dies (killed by a timeout, say) must not leave its children running on a shared machine.
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime()
            .halt(1)));
        new SpringApplicationBuilder(TillApplication.class, TestActions.class, ChildHooks.class).run(args);
    }
}
