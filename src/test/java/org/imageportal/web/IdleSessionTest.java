package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Pattern;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.imageportal.support.TestRealm.User;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A page session ends after the idle timeout (4 s here), at the portal and at Keycloak. */
@QuarkusTest
@TestProfile(IdleSessionTest.ShortIdle.class)
class IdleSessionTest extends BrowserTest {

    /** The portal with a 4-second idle timeout. */
    public static class ShortIdle implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portal.security.session-idle-timeout", "PT4S");
        }
    }

    @Test
    void activityKeepsTheSessionAndIdlenessEndsIt() throws InterruptedException {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, patient);
        page.waitForURL(url("/home"));

        // Active: a page every 2.5 s keeps the session beyond the 4 s timeout.
        for (int i = 0; i < 3; i++) {
            Thread.sleep(2_500);
            page.navigate(url("/patient"));
            assertThat(page.url()).isEqualTo(url("/patient"));
            assertThat(page.locator(".who")).hasText(patient.displayName());
        }

        // Idle: the next page ends the session and says why.
        Thread.sleep(5_500);
        page.navigate(url("/patient"));
        page.waitForURL(Pattern.compile(Pattern.quote(url("/signed-out")) + "(\\?.*)?"));
        assertThat(page.getByText("inactive for too long")).isVisible();

        // Ended at Keycloak too: signing in again asks for the password.
        page.navigate(url("/patient"));
        assertThat(page.locator("#password")).isVisible();
        assertThat(page.url()).startsWith(TestRealm.keycloakUrl());
    }
}
