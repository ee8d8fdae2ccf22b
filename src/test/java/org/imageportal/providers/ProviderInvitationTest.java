package org.imageportal.providers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Referring physicians are invited by an administrator or the privacy officer, with the provider role only. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderInvitationTest {

    @Inject
    DataSource db;

    String admin;
    String privacyOfficer;

    @BeforeAll
    void setUp() {
        admin = TestRealm.mfaToken(TestRealm.createUser("admin"));
        privacyOfficer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
    }

    @Test
    void theNpiCheckDigitIsTheCmsOne() {
        assertThat(Npi.valid("1234567893")).isTrue();
        assertThat(Npi.valid("1234567894")).isFalse();
        assertThat(Npi.valid("123456789")).isFalse();
        for (int i = 0; i < 50; i++) {
            String npi = TestNpi.random();
            assertThat(Npi.valid(npi)).as(npi).isTrue();
            int last = npi.charAt(9) - '0';
            assertThat(Npi.valid(npi.substring(0, 9) + (last + 1) % 10)).isFalse();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAdministratorInvitesAPhysicianWhoGetsTheProviderRoleOnlyAndMustEnrol() throws Exception {
        Map<String, String> body = invitation();
        Response invited = given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .post("/api/providers");
        invited.then().statusCode(201).header("Cache-Control", "no-store");
        String code = invited.jsonPath().getString("activationCode");
        assertThat(code).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");
        assertThat(Duration.between(Instant.now(), Instant.parse(invited.jsonPath().getString("expiresAt"))))
                .isBetween(Duration.ofHours(71), Duration.ofHours(72));

        Map<String, Object> user = TestRealm.usersByEmail(body.get("email")).getFirst();
        assertThat(TestRealm.realmRoles((String) user.get("id"))).contains("provider").doesNotContain("patient",
                "admin", "frontdesk", "privacy-officer", "ingest");
        assertThat((List<Object>) user.get("requiredActions")).contains("UPDATE_PASSWORD", "CONFIGURE_TOTP");
        assertThat(TestRealm.passwordSignIn(invited.jsonPath().getString("username"), code).jsonPath()
                .getString("error_description")).contains("not fully set up");
        // named after the physician, a number added when another Dr Referrer came first
        assertThat(invited.jsonPath().getString("username")).matches("dr\\.referrer([2-5]|[1-9][0-9]{2})?")
                .isEqualTo(user.get("username"));

        String id = invited.jsonPath().getString("providerId");
        assertThat(Dicomweb.queryString(db, "SELECT npi FROM portal.provider WHERE id = ?::uuid", id))
                .isEqualTo(body.get("npi"));
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE entity = ?",
                "provider:" + id)).isEqualTo("account.issued");
        assertThat(Dicomweb.queryString(db, "SELECT count(*) FROM portal.account_activation WHERE "
                + "account_subject = ?", (String) user.get("id"))).isEqualTo("1");
        given().auth().oauth2(privacyOfficer).get("/api/providers").then().statusCode(200)
                .body("npi", hasItem(body.get("npi")));

        // the same physician twice is refused, and no second account is left behind
        Map<String, String> again = new HashMap<>(invitation());
        again.put("npi", body.get("npi"));
        given().auth().oauth2(privacyOfficer).contentType(ContentType.JSON).body(again).post("/api/providers").then()
                .statusCode(409);
        assertThat(TestRealm.usersByEmail(again.get("email"))).isEmpty();
    }

    @Test
    void aMistypedNpiOrMissingDetailsAreRefusedWithTheField() {
        Map<String, String> body = new HashMap<>(invitation());
        String npi = body.get("npi");
        body.put("npi", npi.substring(0, 9) + ((npi.charAt(9) - '0' + 1) % 10));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(body).post("/api/providers").then()
                .statusCode(400).contentType("application/problem+json").body("violations.field", hasItem("npi"));
        assertThat(TestRealm.usersByEmail(body.get("email"))).isEmpty();
        body.put("npi", npi);
        body.remove("organisation");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(body).post("/api/providers").then()
                .statusCode(400).body("violations.field", hasItem("organisation"));
    }

    @Test
    void onlyAnAdministratorOrThePrivacyOfficerInvites() {
        given().contentType(ContentType.JSON).body(invitation()).post("/api/providers").then().statusCode(401);
        for (String role : List.of("patient", "provider", "frontdesk")) {
            String token = TestRealm.mfaToken(TestRealm.createUser(role));
            Map<String, String> body = invitation();
            given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post("/api/providers").then()
                    .statusCode(403);
            given().auth().oauth2(token).get("/api/providers").then().statusCode(403);
            assertThat(TestRealm.usersByEmail(body.get("email"))).isEmpty();
        }
    }

    private static Map<String, String> invitation() {
        return Map.of("givenName", "Rita", "familyName", "Referrer", "npi", TestNpi.random(), "organisation",
                "Lakeside Cardiology", "email", "dr-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example");
    }
}
