package io.till.portal;

import io.till.account.BrandImages;
import io.till.account.BrandImages.BrandImage;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The seller's logo and icon, served from Till so the portal's pages load images from Till only. Open without a
 * session, like the sign-in page that shows them; 404 when the account has none Till could fetch.
 */
@Controller
class PortalBrandImages {

    private final BrandImages images;

    PortalBrandImages(BrandImages images) {
        this.images = images;
    }

    @GetMapping("/portal/{accountId}/logo")
    ResponseEntity<byte[]> logo(@PathVariable String accountId) {
        return served(images.logo(accountId));
    }

    @GetMapping("/portal/{accountId}/icon")
    ResponseEntity<byte[]> icon(@PathVariable String accountId) {
        return served(images.icon(accountId));
    }

    /** The sniffed type, never the seller host's; nosniff keeps the browser from guessing another. */
    private static ResponseEntity<byte[]> served(Optional<BrandImage> image) {
        return image.map(i -> ResponseEntity.ok()
            .contentType(MediaType.parseMediaType(i.contentType()))
            .header("X-Content-Type-Options", "nosniff")
            .header(HttpHeaders.CONTENT_DISPOSITION, "inline")
            .cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePublic())
            .body(i.bytes()))
            .orElseGet(() -> ResponseEntity.notFound().cacheControl(CacheControl.noCache()).build());
    }
}
