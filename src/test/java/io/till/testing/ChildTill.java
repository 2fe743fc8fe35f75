package io.till.testing;

import io.till.TillApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A second Till process for tests that kill one: the application plus the test actions, nothing else. */
public final class ChildTill {

    private ChildTill() {}

    public static void main(String[] args) {
        new SpringApplicationBuilder(TillApplication.class, TestActions.class, ChildHooks.class).run(args);
    }
}
