package org.imageportal.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
        BrowserContext context = browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(390, 844));
        context.setDefaultTimeout(15_000);
        return context.newPage();
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

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
