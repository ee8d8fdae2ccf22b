package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.imageportal.support.TestRealm.User;
import org.imageportal.support.Totp;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;

import io.quarkus.test.junit.QuarkusTest;

/** Signing in through the portal's own pages, in real Chromium, against the real Keycloak. */
@QuarkusTest
class BrowserSignInTest extends BrowserTest {

    @Test
    void passwordAloneDoesNotReachThePatientPage() {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/patient"));
        Browser.enterPassword(page, patient);
        assertThat(page.locator("#otp")).isVisible();
        assertThat(page.url()).startsWith(TestRealm.keycloakUrl());

        page.navigate(url("/patient"));
        assertThat(page.url()).startsWith(TestRealm.keycloakUrl());
        assertThat(page.content()).doesNotContain(patient.displayName());
    }

    @Test
    void passwordAndCodeReachThePatientPageWhichShowsTheName() {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/patient"));
        Browser.signIn(page, patient);
        page.waitForURL(url("/patient"));
        assertThat(page.locator(".who")).hasText(patient.displayName());
        assertThat(page.locator("h1")).hasText("My imaging");
    }

    @Test
    void homePageGreetsByNameAndListsWhatTheRoleCanDo() {
        User frontdesk = TestRealm.createUser("frontdesk");
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, frontdesk);
        page.waitForURL(url("/home"));
        assertThat(page.locator("h1")).containsText(frontdesk.displayName());
        assertThat(page.locator("#ws-frontdesk")).hasText("Front desk");
        assertThat(page.getByText("Verify identity")).isVisible();
        assertThat(page.locator("#ws-patient")).hasCount(0);
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/home-frontdesk.png"))
                .setFullPage(true));
    }

    @Test
    void aWrongCodeStaysOnTheSignInWithAnError() {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/patient"));
        Browser.enterPassword(page, patient);
        Browser.enterCode(page, Totp.wrong(patient.totpSecret()));
        assertThat(page.locator("#otp")).isVisible();
        assertThat(page.getByText("Invalid authenticator code")).isVisible();
        assertThat(page.url()).startsWith(TestRealm.keycloakUrl());
    }

    @Test
    void aPatientGetsA403PageOnAFrontDeskPage() {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, patient);
        page.waitForURL(url("/home"));
        Response response = page.navigate(url("/frontdesk"));
        assertThat(response.status()).isEqualTo(403);
        assertThat(page.locator("h1")).hasText("Not allowed for your role");
        assertThat(page.content()).doesNotContain("Verify identity");
    }

    @Test
    void signOutEndsTheKeycloakSessionToo() {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, patient);
        page.waitForURL(url("/home"));
        page.locator("a.signout").first().click();
        page.waitForURL(Pattern.compile(Pattern.quote(url("/signed-out")) + "(\\?.*)?"));
        assertThat(page.locator("h1")).hasText("You are signed out");
        page.navigate(url("/home"));
        assertThat(page.locator("#password")).isVisible();
    }
}
