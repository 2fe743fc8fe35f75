package io.till.account;

import io.till.egress.EgressClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The seller's logo and icon as Till serves them, fetched once from the URL the seller gave and kept in memory. Pages
 * allow images from Till only (CSP {@code img-src 'self'}), so buyers' browsers never call the seller's host; Till does,
 * through the {@link EgressClient} (a private address is refused), with a short timeout, and only for a PNG, JPEG, GIF
 * or WebP (told by its first bytes, whatever the Content-Type says; SVG can carry script and is refused). A failure is
 * remembered too, for a shorter time, so a dead logo host costs one wait of at most {@link #TIMEOUT} per
 * {@link #FAILURE_TTL}, never one per page. Whoever asks never waits longer than the timeout: the name stands in.
 */
@Component
public class BrandImages implements DisposableBean {

    /** The largest image accepted; a bigger one is refused, not cut. */
    public static final int MAX_BYTES = 512 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** The longest anyone waits: the fetch's timeout and a little for the name lookup, which it does not bound. */
    static final Duration WAIT = TIMEOUT.plusMillis(250);
    static final Duration SUCCESS_TTL = Duration.ofHours(1);
    static final Duration FAILURE_TTL = Duration.ofMinutes(5);
    /** Accounts times their two images: beyond this the oldest entries go first. */
    static final int MAX_ENTRIES = 1000;
    /** What the kept images may weigh together (1,000 of 512 KB would be half a gigabyte): then too the oldest go. */
    static final long MAX_KEPT_BYTES = 64L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(BrandImages.class);

    /** An image's bytes and the type its bytes show, which is what Till sends as its Content-Type. */
    public record BrandImage(byte[] bytes, String contentType) {}

    private record Key(String accountId, String url) {}

    private record Entry(Instant fetchedAt, CompletableFuture<Optional<BrandImage>> image) {

        boolean freshAt(Instant now) {
            if (!image.isDone()) {
                return true;
            }
            var ttl = image.join().isPresent() ? SUCCESS_TTL : FAILURE_TTL;
            return now.isBefore(fetchedAt.plus(ttl));
        }
    }

    private final Brandings brandings;
    private final EgressClient egress;
    private final Clock clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();
    private final ExecutorService fetches = Executors.newVirtualThreadPerTaskExecutor();

    BrandImages(Brandings brandings, EgressClient egress, Clock clock) {
        this.brandings = brandings;
        this.egress = egress;
        this.clock = clock;
    }

    /** The account's logo, when it set one that Till could fetch and accept. */
    public Optional<BrandImage> logo(String accountId) {
        return image(accountId, brandings.get(accountId).logoUrl());
    }

    /** The account's square icon, when it set one that Till could fetch and accept. */
    public Optional<BrandImage> icon(String accountId) {
        return image(accountId, brandings.get(accountId).iconUrl());
    }

    /** The logo and the icon a page shows, or empty ones. */
    public record Shown(Optional<BrandImage> logo, Optional<BrandImage> icon) {}

    /** Both of the account's images, fetched side by side: a page waits at most one timeout for the two. */
    public Shown shown(String accountId, Branding branding) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        var logo = entry(accountId, branding.logoUrl());
        var icon = entry(accountId, branding.iconUrl());
        return new Shown(await(logo, deadline), await(icon, deadline));
    }

    /** The image at {@code url} as this account's, from memory or fetched; empty when none, refused or not in time. */
    public Optional<BrandImage> image(String accountId, String url) {
        return await(entry(accountId, url), System.nanoTime() + WAIT.toNanos());
    }

    private CompletableFuture<Optional<BrandImage>> entry(String accountId, String url) {
        if (url == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Instant now = clock.instant();
        var cached = cache.get(new Key(accountId, url));
        if (cached != null && cached.freshAt(now)) {
            return cached.image();
        }
        var entry = cache.compute(new Key(accountId, url), (k, old) -> old != null && old.freshAt(now)
            ? old
            : new Entry(now, CompletableFuture.supplyAsync(() -> fetch(url), fetches)
                // Whatever went wrong is a failure like any other: remembered briefly, the name shown meanwhile.
                .exceptionally(e -> Optional.empty())));
        // Only a miss adds weight: trimming there, and when a fetch lands, keeps hits free of the scan.
        entry.image().thenRun(() -> trim(clock.instant()));
        trim(now);
        return entry.image();
    }

    private static Optional<BrandImage> await(CompletableFuture<Optional<BrandImage>> image, long deadline) {
        try {
            return image.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The fetch goes on and its result is kept; this page shows the name.
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    private Optional<BrandImage> fetch(String url) {
        var download = egress.download(url, MAX_BYTES, TIMEOUT);
        if (!(download.outcome() instanceof EgressClient.Outcome.Answered answered)) {
            log.info("Brand image {} not fetched: {}", url, download.outcome());
            return Optional.empty();
        }
        if (answered.status() != 200 || download.truncated()) {
            log.info("Brand image {} refused: status {}, larger than {} bytes: {}", url, answered.status(), MAX_BYTES,
                download.truncated());
            return Optional.empty();
        }
        var type = ImageType.of(download.body());
        if (type.isEmpty()) {
            log.info("Brand image {} refused: not a PNG, JPEG, GIF or WebP", url);
        }
        return type.map(t -> new BrandImage(download.body(), t));
    }

    /** Drops stale entries and, when still too many or too heavy, the oldest ones. */
    private synchronized void trim(Instant now) {
        if (cache.size() <= MAX_ENTRIES && keptBytes() <= MAX_KEPT_BYTES) {
            return;
        }
        cache.entrySet().removeIf(e -> !e.getValue().freshAt(now));
        var oldestFirst = cache.entrySet()
            .stream()
            .sorted(Comparator.comparing(e -> e.getValue().fetchedAt()))
            .toList()
            .iterator();
        while (oldestFirst.hasNext() && (cache.size() > MAX_ENTRIES || keptBytes() > MAX_KEPT_BYTES)) {
            var e = oldestFirst.next();
            cache.remove(e.getKey(), e.getValue());
        }
    }

    private long keptBytes() {
        return cache.values()
            .stream()
            .filter(e -> e.image().isDone())
            .mapToLong(e -> e.image().join().map(i -> (long) i.bytes().length).orElse(0L))
            .sum();
    }

    @Override
    public void destroy() {
        fetches.shutdownNow();
    }
}
