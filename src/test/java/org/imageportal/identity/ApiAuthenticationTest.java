package org.imageportal.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

import org.imageportal.support.TestRealm;
import org.imageportal.support.TestRealm.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The API's authentication and authorization against the real Keycloak: what a client holding each kind of
 * token gets. APIs never redirect; they answer problem+json.
 */
@QuarkusTest
class ApiAuthenticationTest {

    static User patient;
    static User admin;

    @BeforeAll
    static void users() {
        patient = TestRealm.createUser("patient");
        admin = TestRealm.createUser("admin");
    }

    @Test
    void noTokenAnswers401WithBearerChallenge() {
        given().get("/api/me").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .contentType("application/problem+json")
                .body("type", equalTo("https://imageportal.org/problems/unauthenticated"));
    }

    @Test
    void garbageTokenAnswers401() {
        given().auth().oauth2("not-a-token").get("/api/me").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void expiredTokenAnswers401() throws InterruptedException {
        String token = TestRealm.shortLivedToken(TestRealm.createUser("patient"));
        given().auth().oauth2(token).get("/api/me").then().statusCode(200);
        Thread.sleep(3_500);
        given().auth().oauth2(token).get("/api/me").then().statusCode(401);
    }

    @Test
    void tokenFromAnotherRealmAnswers401() {
        given().auth().oauth2(TestRealm.foreignIssuerToken()).get("/api/me").then().statusCode(401);
    }

    @Test
    void tokenSignedByAnotherKeyAnswers401() throws Exception {
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        var pair = keys.generateKeyPair();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"forged\"}"
                .getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + TestRealm.realmUrl() + "\",\"sub\":\"x\","
                + "\"aud\":\"portal-api\",\"exp\":" + (now + 300) + ",\"iat\":" + now + ",\"acr\":\"mfa\","
                + "\"preferred_username\":\"mallory\",\"realm_access\":{\"roles\":[\"admin\"]}}")
                .getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(pair.getPrivate());
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        String forged = header + "." + payload + "." + b64.encodeToString(rsa.sign());
        given().auth().oauth2(forged).get("/api/admin/system").then().statusCode(401);
    }

    @Test
    void passwordOnlyTokenAnswers403MfaRequired() {
        given().auth().oauth2(TestRealm.passwordOnlyToken(patient)).get("/api/me").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://imageportal.org/problems/mfa-required"))
                .body("status", equalTo(403));
    }

    @Test
    void mfaTokenWithTheWrongRoleAnswers403() {
        given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("patient"))).get("/api/admin/system")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://imageportal.org/problems/forbidden"));
    }

    @Test
    void mfaTokenWithTheRightRoleAnswers200() {
        given().auth().oauth2(TestRealm.mfaToken(admin)).get("/api/admin/system").then().statusCode(200)
                .body("checks.name", hasItem("postgresql"))
                .body("checks.name", hasItem("keycloak"))
                .body("checks.name", hasItem("object-store"));
    }

    @Test
    void meShowsTheSignedInPersonAndTheirMfa() {
        given().auth().oauth2(TestRealm.mfaToken(patient)).get("/api/me").then().statusCode(200)
                .body("username", equalTo(patient.username()))
                .body("displayName", equalTo(patient.displayName()))
                .body("roles", hasItem("patient"))
                .body("mfa", equalTo(true))
                .body("machine", equalTo(false));
    }

    @Test
    void ingestMachineClientIsAcceptedWithoutMfaButOnlyAsMachine() {
        String token = TestRealm.ingestToken();
        given().auth().oauth2(token).get("/api/me").then().statusCode(200)
                .body("machine", equalTo(true))
                .body("roles", hasItem("ingest"));
        given().auth().oauth2(token).get("/api/admin/system").then().statusCode(403);
    }
}
