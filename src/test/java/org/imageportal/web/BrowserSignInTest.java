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
        page.locator("input.signout").first().click();
        page.waitForURL(Pattern.compile(Pattern.quote(url("/signed-out")) + "(\\?.*)?"));
        assertThat(page.locator("h1")).hasText("You are signed out");
        page.navigate(url("/home"));
        assertThat(page.locator("#password")).isVisible();
    }

    @Test
    void aCopiedSessionCookieStopsWorkingAtSignOutAndALinkCannotSignAnyoneOut() {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, patient);
        page.waitForURL(url("/home"));
        java.util.List<com.microsoft.playwright.options.Cookie> portalCookies = page.context().cookies(url("/"));

        // a plain link to the logout address (another site's image, say) does not end the session
        page.navigate(url("/logout"));
        page.waitForURL(url("/home"));
        assertThat(page.locator("h1")).containsText(patient.displayName());

        page.locator("input.signout").first().click();
        page.waitForURL(Pattern.compile(Pattern.quote(url("/signed-out")) + "(\\?.*)?"));

        // the portal's cookies as they were before sign-out, in another browser
        Page copy = browser.newPage();
        copy.context().addCookies(portalCookies);
        copy.navigate(url("/home"));
        assertThat(copy.content()).doesNotContain(patient.displayName());
        assertThat(copy.url()).doesNotStartWith(url("/home"));
    }

    @Test
    void theWebClientIssuesNoOfflineTokensEvenWhenAskedForOne() throws Exception {
        User patient = TestRealm.createUser("patient");
        String verifier = org.imageportal.platform.security.CookieSigner.randomToken(48);
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256")
                        .digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        String redirect = url("/home");
        Page page = browser.newPage();
        // a page that does not follow the redirect to the portal, so the code stays ours to exchange
        page.route(Pattern.compile(Pattern.quote(redirect) + ".*"),
                route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                        .setStatus(200).setBody("caught")));
        page.navigate(TestRealm.realmUrl() + "/protocol/openid-connect/auth?client_id=portal-web&response_type=code"
                + "&scope=openid%20offline_access&code_challenge_method=S256&code_challenge=" + challenge
                + "&redirect_uri=" + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8));
        Browser.signIn(page, patient);
        page.waitForURL(Pattern.compile(Pattern.quote(redirect) + "\\?.*"));
        if (page.url().contains("error=")) {
            // refused outright is as good: no token at all
            assertThat(page.url()).contains("error=invalid_scope");
            return;
        }
        String code = page.url().replaceAll(".*[?&]code=([^&]+).*", "$1");
        io.restassured.response.Response tokens = io.restassured.RestAssured.given()
                .contentType(io.restassured.http.ContentType.URLENC).formParam("grant_type", "authorization_code")
                .formParam("client_id", "portal-web").formParam("code", code).formParam("redirect_uri", redirect)
                .formParam("code_verifier", verifier).post(TestRealm.realmUrl() + "/protocol/openid-connect/token");
        assertThat(tokens.statusCode()).as(tokens.asString()).isEqualTo(200);
        assertThat(tokens.jsonPath().getString("scope")).doesNotContain("offline_access");
        String refresh = tokens.jsonPath().getString("refresh_token");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(refresh.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(payload).doesNotContain("\"Offline\"").contains("\"Refresh\"");
    }

    @Test
    void keycloaksAccountConsoleIsOffSoAPasswordAloneChangesNothing() {
        io.restassured.response.Response console = io.restassured.RestAssured.given().redirects().follow(false)
                .get(TestRealm.realmUrl() + "/protocol/openid-connect/auth?client_id=account-console"
                        + "&response_type=code&scope=openid&redirect_uri="
                        + java.net.URLEncoder.encode(TestRealm.realmUrl() + "/account/",
                                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(console.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(console.asString()).doesNotContain("id=\"password\"");
    }
}
