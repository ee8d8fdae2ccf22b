package org.imageportal.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;

/** Steps that several browser journeys take the same way: signing in, checking a page, seeing an image drawn. */
public final class PageSteps {

    private PageSteps() {
    }

    /**
     * The whole sign-in, as a person with an authenticator does it: if the code on the phone was used already (a
     * code works once in its 30 seconds, and the same person may have signed in elsewhere a moment ago), they wait
     * for the next one and type that.
     */
    public static void signIn(Page page, TestRealm.User user) {
        Browser.enterPassword(page, user);
        page.locator("#otp").fill(Totp.now(user.totpSecret()));
        Response answer = page.waitForResponse(
                r -> r.request().isNavigationRequest() && "POST".equals(r.request().method()),
                () -> page.locator("#kc-login").click());
        if (answer.status() < 300 || answer.status() >= 400) {
            // not sent on: the form again, with the code refused
            page.waitForLoadState();
            long next = (Instant.now().getEpochSecond() / 30 + 1) * 30;
            page.waitForTimeout((next - Instant.now().getEpochSecond() + 1) * 1000.0);
            Browser.enterCode(page, Totp.now(user.totpSecret()));
        }
    }

    /** What axe-core and the phone-width checks find on the page as it is now: nothing. */
    public static void assertAccessible(Page page) {
        assertThat(Browser.accessibilityProblems(page)).as("accessibility of " + page.url()).isEmpty();
    }

    /** Waits until the viewer has drawn an image, then counts the canvas pixels that are not black. */
    public static int litViewerPixels(Page page) {
        Browser.waitUntil(page, "() => Number(document.getElementById('viewer-canvas').dataset.rendered || 0) > 0");
        return ((Number) page.evaluate("() => { const c = document.getElementById('viewer-canvas'); const d = "
                + "c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let lit = 0; "
                + "for (let i = 0; i < d.length; i += 4) { if (d[i]) lit++; } return lit; }")).intValue();
    }
}
