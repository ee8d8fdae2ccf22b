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
        return page(new NewContextOptions(), address);
    }

    private Page page(NewContextOptions options, String address) {
        options.setViewportSize(390, 844);
        if (address != null) {
            options.setExtraHTTPHeaders(Map.of("X-Forwarded-For", address));
        }
        BrowserContext context = browser.newContext(options);
        context.setDefaultTimeout(15_000);
        return context.newPage();
    }

    /**
     * A fresh browser on a phone's screen (390 x 844) that lets a test add its own script (axe-core) to the
     * portal's pages, which their Content-Security-Policy otherwise refuses, as it should.
     */
    public Page newCheckingPage() {
        return newCheckingPage(null);
    }

    /** The same, coming from {@code address} as {@link #newPage(String)} does. */
    public Page newCheckingPage(String address) {
        return page(new NewContextOptions().setBypassCSP(true), address);
    }

    private static final Path AXE = Path.of("webapp/node_modules/axe-core/axe.min.js");

    /**
     * What axe-core (WCAG 2.0 to 2.2, levels A and AA) finds serious or critical on the page as it is now, one line
     * per rule with up to three of the elements; whether the page is wider than its window; and tables that scroll
     * sideways inside it (on a phone their last columns, often the buttons, are out of sight).
     */
    public static List<String> accessibilityProblems(Page page) {
        if (!Files.isReadable(AXE)) {
            throw new IllegalStateException(AXE + " missing: the build installs the webapp's npm packages");
        }
        page.addScriptTag(new Page.AddScriptTagOptions().setPath(AXE));
        @SuppressWarnings("unchecked")
        List<String> found = (List<String>) page.evaluate(
                """
                        async () => {
                          const result = await axe.run(document, { runOnly: { type: 'tag', values:
                            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
                          const lines = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                            .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' '))
                              .join(' | '));
                          const width = document.documentElement.scrollWidth;
                          if (width > window.innerWidth) {
                            const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
                              > window.innerWidth + 1).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                              + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''));
                            lines.push('wider than the screen: ' + width + ' px in ' + window.innerWidth + ' (' + wide.join(', ')
                              + ')');
                          }
                          const sideways = [...document.querySelectorAll('table')].filter(t => t.scrollWidth > t.clientWidth + 1)
                            .map(t => 'table' + (t.id ? '#' + t.id : '') + (t.className ? '.' + t.className.split(' ').join('.') : ''));
                          if (sideways.length) {
                            lines.push('tables that scroll sideways, their last columns out of sight: ' + sideways.join(', '));
                          }
                          return lines;
                        }""");
        return found;
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
