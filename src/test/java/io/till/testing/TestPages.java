package io.till.testing;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Dashboard pages that exist only in tests, to make a page misbehave on demand. */
@TestComponent
@Controller
@Hidden
public class TestPages {

    /** A page that fails unexpectedly, as a bug would. */
    @GetMapping("/admin/test-support/boom")
    String boom() {
        throw new IllegalStateException("secret internal detail");
    }
}
