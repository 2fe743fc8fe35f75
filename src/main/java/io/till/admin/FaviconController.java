package io.till.admin;

import java.time.Duration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Till's icon where browsers look for it without being told ({@code /favicon.ico}: a PDF receipt, an API answer opened
 * in a tab); the dashboard's pages link it among their assets. The portal links the seller's icon, or none.
 */
@Controller
class FaviconController {

    private static final Resource ICON = new ClassPathResource("static/admin/assets/favicon.ico");

    @GetMapping("/favicon.ico")
    ResponseEntity<Resource> icon() {
        return ResponseEntity.ok()
            .contentType(MediaType.parseMediaType("image/x-icon"))
            .cacheControl(CacheControl.maxAge(Duration.ofDays(7)).cachePublic())
            .body(ICON);
    }
}
