package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.imageportal.support.TestRealm.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Passkeys, in real Chromium with a virtual authenticator (a platform authenticator with user verification, as a
 * phone's or laptop's screen lock), against the real Keycloak: a person adds one after signing in with password and
 * code, then signs in with the password and the passkey instead of the code, or with the passkey alone; both reach
 * pages that demand MFA. Keycloak serves its pages on localhost here, a valid relying party id.
 */
@QuarkusTest
class PasskeySignInTest extends BrowserTest {

    @Inject
    DataSource db;

    /** One fresh browser per test, closed after it: a device left asking for a passkey would hold the next one up. */
    Page page;

    @BeforeEach
    void openBrowser() {
        page = browser.newPage();
    }

    @AfterEach
    void closeBrowser(TestInfo test) {
        try {
            page.screenshot(new Page.ScreenshotOptions().setPath(
                    Path.of("target/screenshots/passkey-" + test.getTestMethod().orElseThrow().getName() + ".png")));
        } finally {
            page.context().close();
        }
    }

    @Test
    void aPasskeyStandsInForTheCodeAfterThePassword() throws Exception {
        User patient = TestRealm.createUser("patient");
        CDPSession cdp = page.context().newCDPSession(page);
        String device = addAuthenticator(cdp);
        registerPasskey(page, patient);

        // a person who types the password: no authenticator answers on the sign-in form itself
        JsonObject passkey = onlyCredential(cdp, device);
        cdp.send("WebAuthn.removeVirtualAuthenticator", authenticator(device));
        page.navigate(url("/patient"));
        Browser.enterPassword(page, patient);
        assertThat(page.locator("#otp")).isVisible();
        page.locator("#try-another-way").click();
        page.locator("h2", new Page.LocatorOptions().setHasText(Pattern.compile("^\\s*Passkey\\s*$"))).click();

        String again = addAuthenticator(cdp);
        cdp.send("WebAuthn.addCredential", credentialOf(again, passkey));
        page.locator("#authenticateWebAuthnButton").click();
        page.waitForURL(url("/patient"));
        assertThat(page.locator("h1")).hasText("My imaging");
        assertThat(page.locator(".who")).hasText(patient.displayName());
        JsonObject claims = sessionClaims();
        assertThat(claims.get("acr").getAsString()).isEqualTo("mfa");
        // Keycloak lists pop twice here (the passkey step, and the level's "passkey already used" branch seen
        // when the flow is evaluated again); the methods are exactly the password and the passkey
        assertThat(amr(claims)).containsOnly("pwd", "pop");
    }

    @Test
    void aPasskeyAloneSignsInWithoutPasswordOrCode() throws Exception {
        User patient = TestRealm.createUser("patient");
        CDPSession cdp = page.context().newCDPSession(page);
        addAuthenticator(cdp);
        registerPasskey(page, patient);

        // the sign-in form offers the passkey to the browser (conditional mediation); the device answers for the person
        page.navigate(url("/patient"));
        page.waitForURL(url("/patient"));
        assertThat(page.locator("h1")).hasText("My imaging");
        assertThat(page.locator(".who")).hasText(patient.displayName());
        // the portal's own MFA check let the session in: its home page is reached, not the sign-in
        page.navigate(url("/home"));
        assertThat(page.locator("h1")).containsText(patient.displayName());
        // no password was typed, and Keycloak says so
        JsonObject claims = sessionClaims();
        assertThat(claims.get("acr").getAsString()).isEqualTo("mfa");
        assertThat(amr(claims)).containsExactly("pop");
    }

    @Test
    void theDesksLostPhoneResetRemovesThePasskeyToo() throws Exception {
        User patient = TestRealm.createUser("patient");
        addAuthenticator(page.context().newCDPSession(page));
        registerPasskey(page, patient);
        assertThat(TestRealm.passkeys(patient.id())).isOne();

        TestDicom.Patient registered = TestDicom.Patient.random();
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(registered).bytes())).then().statusCode(200);
        String id = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                registered.id());
        Dicomweb.linkAccount(db, registered.id(), patient.id());
        String frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "passport", "documentLast4", "1234",
                        "site", "front desk"))
                .post("/api/patients/" + id + "/verifications").then().statusCode(201);
        given().auth().oauth2(frontdesk).post("/api/patients/" + id + "/mfa-reset").then().statusCode(204);

        assertThat(TestRealm.passkeys(patient.id())).isZero();
        // the device still holds its key, but Keycloak no longer knows it: the sign-in form stays
        page.navigate(url("/patient"));
        page.waitForTimeout(3_000);
        assertThat(page.url()).startsWith(TestRealm.keycloakUrl());
        assertThat(page.locator("#username")).isVisible();
        // the sign-in form keeps offering the unknown key; leave it, or it holds the browser's passkey requests
        page.navigate("about:blank");
    }

    @Test
    void withoutAPasskeyTheCodeIsAskedAndNothingElseOffered() throws Exception {
        User patient = TestRealm.createUser("patient");
        addAuthenticator(page.context().newCDPSession(page));
        page.navigate(url("/patient"));
        assertThat(page.url()).startsWith(TestRealm.keycloakUrl());
        Browser.enterPassword(page, patient);
        assertThat(page.locator("#otp")).isVisible();
        assertThat(page.locator("#try-another-way")).hasCount(0);
        Browser.enterCode(page, org.imageportal.support.Totp.now(patient.totpSecret()));
        page.waitForURL(url("/patient"));
        assertThat(page.locator(".who")).hasText(patient.displayName());
        assertThat(amr(sessionClaims())).containsExactlyInAnyOrder("pwd", "otp");
    }

    /**
     * The claims Keycloak issues for the browser's current Keycloak session: an authorization request of the web
     * client, answered from the session without a form, its code caught before the portal sees it and exchanged
     * here (PKCE with a verifier of this test).
     */
    private JsonObject sessionClaims() throws Exception {
        String verifier = org.imageportal.platform.security.CookieSigner.randomToken(48);
        String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256")
                        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirect = url("/home");
        Pattern caught = Pattern.compile(Pattern.quote(redirect) + "\\?.*");
        page.route(caught, route -> route.fulfill(new Route.FulfillOptions().setStatus(200).setBody("caught")));
        page.navigate(TestRealm.realmUrl() + "/protocol/openid-connect/auth?client_id=portal-web&response_type=code"
                + "&scope=openid&code_challenge_method=S256&code_challenge=" + challenge + "&redirect_uri="
                + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
        page.waitForURL(caught);
        page.unroute(caught);
        String code = page.url().replaceAll(".*[?&]code=([^&]+).*", "$1");
        String idToken = given().contentType(ContentType.URLENC).formParam("grant_type", "authorization_code")
                .formParam("client_id", "portal-web").formParam("code", code).formParam("redirect_uri", redirect)
                .formParam("code_verifier", verifier).post(TestRealm.realmUrl() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("id_token");
        return JsonParser.parseString(new String(java.util.Base64.getUrlDecoder().decode(idToken.split("\\.")[1]),
                StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static List<String> amr(JsonObject claims) {
        List<String> methods = new java.util.ArrayList<>();
        claims.getAsJsonArray("amr").forEach(m -> methods.add(m.getAsString()));
        return methods;
    }

    /** Signs in with password and code, adds a passkey from the home page, and signs out. */
    private void registerPasskey(Page page, User user) {
        page.navigate(url("/home"));
        Browser.signIn(page, user);
        page.waitForURL(url("/home"));
        page.locator("#add-passkey").click();
        page.onceDialog(dialog -> dialog.accept("Test device"));
        page.locator("#registerWebAuthn").click();
        page.waitForURL(Pattern.compile(Pattern.quote(url("/home")) + "\\?.*"));
        assertThat(page.locator("#passkey-added")).isVisible();
        page.locator("input.signout").first().click();
        page.waitForURL(Pattern.compile(Pattern.quote(url("/signed-out")) + "(\\?.*)?"));
    }

    private static String addAuthenticator(CDPSession cdp) {
        cdp.send("WebAuthn.enable");
        JsonObject options = new JsonObject();
        options.addProperty("protocol", "ctap2");
        options.addProperty("transport", "internal");
        options.addProperty("hasResidentKey", true);
        options.addProperty("hasUserVerification", true);
        options.addProperty("isUserVerified", true);
        options.addProperty("automaticPresenceSimulation", true);
        JsonObject params = new JsonObject();
        params.add("options", options);
        return cdp.send("WebAuthn.addVirtualAuthenticator", params).get("authenticatorId").getAsString();
    }

    private static JsonObject authenticator(String id) {
        JsonObject params = new JsonObject();
        params.addProperty("authenticatorId", id);
        return params;
    }

    private static JsonObject onlyCredential(CDPSession cdp, String device) {
        var credentials = cdp.send("WebAuthn.getCredentials", authenticator(device)).getAsJsonArray("credentials");
        assertThat(credentials.size()).as("passkeys on the device").isEqualTo(1);
        JsonObject credential = credentials.get(0).getAsJsonObject();
        assertThat(credential.get("isResidentCredential").getAsBoolean()).isTrue();
        assertThat(credential.get("rpId").getAsString()).isEqualTo("localhost");
        return credential;
    }

    private static JsonObject credentialOf(String device, JsonObject credential) {
        JsonObject params = authenticator(device);
        JsonObject copy = credential.deepCopy();
        copy.remove("authenticatorId");
        params.add("credential", copy);
        return params;
    }
}
