package io.till.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The system's Chromium driven by Playwright, for page tests: one browser per test class ({@code @BeforeAll} /
 * {@code @AfterAll}), a fresh browser context (cookies of its own) per {@link #page(int)}. The Playwright driver that
 * speaks to the browsers (a Node.js process, about 0.6 s to start here, against 0.1 s for a browser) is started once
 * for the test JVM and ended with it. Playwright never downloads a browser here; without Debian's Chromium the test
 * fails at once and says how to install it.
 */
public final class Chromium implements AutoCloseable {

    private static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** The driver shared by the test classes of this JVM, which run one after the other; null until the first. */
    private static Playwright driver;

    private final Browser browser;
    private final List<BrowserContext> contexts = new ArrayList<>();

    private Chromium(Browser browser) {
        this.browser = browser;
    }

    public static Chromium launch() {
        return launch(List.of());
    }

    /** With more command-line switches, such as {@code --disable-features=…} for a page served by a route. */
    public static Chromium launch(List<String> moreArgs) {
        Path executable = executable();
        var args = new ArrayList<>(ARGS);
        args.addAll(moreArgs);
        var options = new BrowserType.LaunchOptions().setExecutablePath(executable)
            .setArgs(args)
            .setHeadless(true)
            .setTimeout(60_000);
        synchronized (Chromium.class) {
            try {
                return new Chromium(driver().chromium().launch(options));
            } catch (RuntimeException first) {
                if (driver == null || !driverGone(first)) {
                    throw first;
                }
                // A driver that a test class before this one left broken is not this class's failure: start a new one.
                try {
                    driver.close();
                } catch (RuntimeException ignored) {
                    // Broken already.
                }
                driver = null;
                try {
                    return new Chromium(driver().chromium().launch(options));
                } catch (RuntimeException again) {
                    again.addSuppressed(first);
                    throw again;
                }
            }
        }
    }

    /** Whether launching failed because the driver is no longer there (Playwright's words for it). */
    private static boolean driverGone(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("Playwright connection closed") || message.contains("pipe closed");
    }

    private static Playwright driver() {
        if (driver == null) {
            var started = Playwright
                .create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (RuntimeException ignored) {
                    // Closed already, or the JVM is ending it anyway.
                }
            }, "playwright-driver-close"));
            driver = started;
        }
        return driver;
    }

    /** A new page {@code width} CSS pixels wide (390: a phone; 1280: a laptop), in a browser context of its own. */
    public Page page(int width) {
        var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 844));
        context.setDefaultTimeout(15_000);
        // Assertions wait as long as actions do: an htmx round trip on a busy two-core machine can take seconds.
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        contexts.add(context);
        return context.newPage();
    }

    /** A new page as {@link #page(int)}, in a browser whose clock shows {@code timezoneId} (America/Los_Angeles). */
    public Page page(int width, String timezoneId) {
        var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, 844)
            .setTimezoneId(timezoneId));
        context.setDefaultTimeout(15_000);
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        contexts.add(context);
        return context.newPage();
    }

    /**
     * Saves the whole page as {@code target/screenshots/<name>.png} and answers the file. The text caret is left as it
     * is: hiding it (Playwright's default) restyles the page first, which doubled each screenshot's time (300 ms
     * against 160 ms here, over 250 screenshots a run).
     */
    public static Path screenshot(Page page, String name) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true).setCaret(
            com.microsoft.playwright.options.ScreenshotCaret.INITIAL));
        return file;
    }

    @Override
    public void close() {
        contexts.forEach(BrowserContext::close);
        browser.close();
    }

    /**
     * {@code $CHROMIUM}; else Debian's headless build of Chromium ({@code chromium-headless-shell}, the same Blink
     * without the desktop browser around it, which is also what Playwright runs headless by default): it starts in a
     * quarter of the time and used half the CPU over the page tests, on a two-core machine where they are most of
     * {@code ./mvnw verify}; else Debian's {@code chromium}.
     */
    private static Path executable() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new IllegalStateException("CHROMIUM=" + configured + " is not an executable: point it at a "
                    + "Chromium, or unset it and run 'apt-get install chromium-headless-shell' (Debian/Ubuntu).");
            }
            return Path.of(configured);
        }
        // Debian's /usr/bin/chromium-headless-shell is a script that does not exec: the binary itself, so that closing
        // the browser ends it.
        Path headlessShell = Path.of("/usr/lib/chromium/chromium-headless-shell");
        if (Files.isExecutable(headlessShell)) {
            return headlessShell;
        }
        for (String name : List.of("chromium-headless-shell", "chromium")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("Page tests need Chromium and found none on the PATH: run "
            + "'apt-get install chromium-headless-shell' (Debian/Ubuntu), or set CHROMIUM to a Chromium executable.");
    }
}
