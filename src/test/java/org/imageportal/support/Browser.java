package org.imageportal.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.microsoft.playwright.Browser.NewContextOptions;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

/**
 * Debian's Chromium driven by Playwright (never a downloaded browser), one per test class, a fresh profile
 * (no cookies) per {@link #newPage()}.
 */
public final class Browser implements AutoCloseable {

    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync");

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    public Browser() {
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        String executable = System.getenv().getOrDefault("PORTAL_CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(executable))) {
            throw new IllegalStateException(executable + " missing: infra/portal test installs Debian chromium");
        }
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(executable)).setHeadless(true).setArgs(FLAGS));
    }

    public Page newPage() {
        return newPage(null);
    }

    /**
     * A fresh browser (own cookies) that, seen through the portal's trusted proxy, comes from {@code address}: tests
     * that type wrong codes each use their own, as separate people would, so per-address limits stay per test.
     */
    public Page newPage(String address) {
        NewContextOptions options = new NewContextOptions().setViewportSize(390, 844);
        if (address != null) {
            options.setExtraHTTPHeaders(Map.of("X-Forwarded-For", address));
        }
        BrowserContext context = browser.newContext(options);
        context.setDefaultTimeout(15_000);
        return context.newPage();
    }

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** A new address from a documentation range (RFC 5737) for one simulated client; none repeats in a run. */
    public static String someClientAddress() {
        int n = CLIENTS.incrementAndGet();
        return "203.0." + (113 + n / 254) + "." + (1 + n % 254);
    }

    /** Fills Keycloak's sign-in form (user name and password) on the current page. */
    public static void enterPassword(Page page, TestRealm.User user) {
        page.locator("#username").fill(user.username());
        page.locator("#password").fill(user.password());
        page.locator("#kc-login").click();
    }

    /** Fills Keycloak's one-time-code form. */
    public static void enterCode(Page page, String code) {
        page.locator("#otp").fill(code);
        page.locator("#kc-login").click();
    }

    /** The whole sign-in: password, then the current code of the user's authenticator. */
    public static void signIn(Page page, TestRealm.User user) {
        enterPassword(page, user);
        enterCode(page, Totp.now(user.totpSecret()));
    }

    /**
     * Waits until the function (JavaScript source) returns true in the page. Polled from here with
     * {@code evaluate}: Playwright's own {@code waitForFunction} compiles its predicate inside the page, which the
     * portal's Content-Security-Policy (no unsafe-eval) rightly refuses.
     */
    public static void waitUntil(Page page, String function) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
        while (!Boolean.TRUE.equals(page.evaluate(function))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never satisfied " + function);
            }
            page.waitForTimeout(100);
        }
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
