package org.imageportal.patients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.accounts.ActivationService;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Portal access is issued only after a recent in-person verification, and only ever with the patient role. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalAccessTest {

    @Inject
    DataSource db;

    @Inject
    ActivationService activations;

    String frontdesk;

    @BeforeAll
    void setUp() {
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    private String registered() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(patient).bytes())).then().statusCode(200);
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?", patient.id());
    }

    private void verified(String id) {
        given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "passport", "documentLast4", "1234",
                        "site", "front desk"))
                .post("/api/patients/" + id + "/verifications").then().statusCode(201);
    }

    private Response issue(String id, Map<String, ?> body) {
        return given().auth().oauth2(frontdesk).contentType(ContentType.JSON).body(body)
                .post("/api/patients/" + id + "/access");
    }

    private static String email() {
        return "patient-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
    }

    @Test
    @Order(1)
    void withoutARecentVerificationNoAccountIsCreated() throws Exception {
        String id = registered();
        String email = email();
        issue(id, Map.of("email", email)).then().statusCode(409).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("/identity-not-verified"));
        assertThat(TestRealm.usersByEmail(email)).isEmpty();
    }

    @Test
    @Order(1)
    void aRequestForAnyOtherRoleIsRefusedWhateverItAsks() throws Exception {
        String id = registered();
        verified(id);
        for (List<String> roles : List.of(List.of("patient", "admin"), List.of("provider"),
                List.of("frontdesk"))) {
            String email = email();
            issue(id, Map.of("email", email, "roles", roles)).then().statusCode(400)
                    .body("violations.field", hasItem("roles"));
            assertThat(TestRealm.usersByEmail(email)).isEmpty();
        }
        assertThat(Dicomweb.queryString(db, "SELECT outcome FROM portal.audit_event WHERE entity = ? "
                + "AND action = 'account.issue' ORDER BY id DESC LIMIT 1", "patient:" + id)).isEqualTo("refused");
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void aVerifiedPatientGetsAPatientAccountAndASlipWithItsActivationCode() throws Exception {
        String id = registered();
        verified(id);
        String email = email();
        Response issued = issue(id, Map.of("email", email, "roles", List.of("patient")));
        issued.then().statusCode(201).header("Cache-Control", "no-store")
                .body("portalUrl", equalTo(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("portal.security.public-url", String.class)));
        String username = issued.jsonPath().getString("username");
        String code = issued.jsonPath().getString("activationCode");
        assertThat(code).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");

        List<Map<String, Object>> users = TestRealm.usersByEmail(email);
        assertThat(users).hasSize(1);
        Map<String, Object> user = users.getFirst();
        assertThat(user.get("username")).isEqualTo(username);
        // readable, and nothing about the patient in it
        assertThat(username).matches("[a-z]+-[a-z]+-[1-9][0-9]");
        assertThat((List<Object>) user.get("requiredActions")).contains("UPDATE_PASSWORD", "CONFIGURE_TOTP");
        List<String> roles = TestRealm.realmRoles((String) user.get("id"));
        assertThat(roles).contains("patient").doesNotContain("admin", "provider", "frontdesk", "privacy-officer",
                "ingest");

        // the activation code is the account's one-time password: right code, but the set-up is still to do
        assertThat(TestRealm.passwordSignIn(username, code).jsonPath().getString("error_description"))
                .contains("not fully set up");
        assertThat(TestRealm.passwordSignIn(username, "WRONG-CODE-0000").jsonPath().getString("error_description"))
                .contains("Invalid user credentials");

        // the registry knows the account; a second issue is refused
        given().auth().oauth2(frontdesk).get("/api/patients/" + id).then().statusCode(200)
                .body("hasPortalAccount", equalTo(true));
        assertThat(Dicomweb.queryString(db, "SELECT account_subject FROM portal.patient WHERE id = ?::uuid", id))
                .isEqualTo(user.get("id"));
        issue(id, Map.of("email", email())).then().statusCode(409);
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE entity = ? "
                + "AND action = 'account.issued' LIMIT 1", "patient:" + id)).isEqualTo("account.issued");
    }

    @Test
    @Order(1)
    void anMfaResetAfterVerificationMakesTheOldAuthenticatorUseless() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(patient).bytes())).then().statusCode(200);
        String id = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?", patient.id());
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        TestRealm.mfaToken(user); // the authenticator works before

        // not without a recent verification
        given().auth().oauth2(frontdesk).post("/api/patients/" + id + "/mfa-reset").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("/identity-not-verified"));
        assertThat(TestRealm.otpCredentials(user.id())).isOne();

        verified(id);
        given().auth().oauth2(frontdesk).post("/api/patients/" + id + "/mfa-reset").then().statusCode(204);
        assertThat(TestRealm.otpCredentials(user.id())).isZero();
        // the old authenticator's next code (never used, and accepted one step ahead before the reset) is refused
        String nextCode = org.imageportal.support.Totp.code(user.totpSecret(),
                java.time.Instant.now().plusSeconds(30));
        assertThat(TestRealm.otpSignIn(user, nextCode).statusCode()).isNotEqualTo(200);
        assertThat(TestRealm.usersByEmail(user.username() + "@test.example").getFirst().get("requiredActions"))
                .asString().contains("CONFIGURE_TOTP");
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE entity = ? "
                + "ORDER BY id DESC LIMIT 1", "patient:" + id)).isEqualTo("account.mfa-reset");
        // other roles may not
        given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("provider")))
                .post("/api/patients/" + id + "/mfa-reset").then().statusCode(403);
    }

    /** Last: the sweep at a future time closes every activation still open in the test database. */
    @Test
    @Order(Integer.MAX_VALUE)
    void anUnusedActivationExpiresAndOnlyAReissueAfterVerificationOpensANewOne() throws Exception {
        String id = registered();
        verified(id);
        Response issued = issue(id, Map.of("email", email()));
        issued.then().statusCode(201);
        String username = issued.jsonPath().getString("username");
        String code = issued.jsonPath().getString("activationCode");
        Instant expires = Instant.parse(issued.jsonPath().getString("expiresAt"));
        assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofHours(71), Duration.ofHours(72));

        // within the window nothing happens to it
        activations.sweep(expires.minusSeconds(60));
        assertThat(TestRealm.passwordSignIn(username, code).jsonPath().getString("error_description"))
                .contains("not fully set up");

        // once the window has passed, the sweep disables the account: the code opens nothing any more
        assertThat(activations.sweep(expires.plusSeconds(1)).expired()).isGreaterThanOrEqualTo(1);
        Response refused = TestRealm.passwordSignIn(username, code);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("error_description")).doesNotContain("not fully set up");
        assertThat(Dicomweb.queryString(db, "SELECT action FROM portal.audit_event WHERE entity = ? "
                + "ORDER BY id DESC LIMIT 1", "patient:" + id)).isEqualTo("account.activation-expired");
        // a second sweep (another portal instance) does not act or audit again
        assertThat(activations.sweep(expires.plusSeconds(2)).expired()).isZero();

        // re-issue is for an existing account (after a recent verification): a new code and window; the old code stays dead
        String noAccount = registered();
        given().auth().oauth2(frontdesk).post("/api/patients/" + noAccount + "/access/reissue").then()
                .statusCode(409);
        Response reissued = given().auth().oauth2(frontdesk).post("/api/patients/" + id + "/access/reissue");
        reissued.then().statusCode(200).header("Cache-Control", "no-store").body("username", equalTo(username));
        String fresh = reissued.jsonPath().getString("activationCode");
        assertThat(fresh).isNotEqualTo(code);
        assertThat(TestRealm.passwordSignIn(username, code).jsonPath().getString("error_description"))
                .doesNotContain("not fully set up");
        assertThat(TestRealm.passwordSignIn(username, fresh).jsonPath().getString("error_description"))
                .contains("not fully set up");
        assertThat(Dicomweb.queryString(db, "SELECT expired_at IS NULL AND activated_at IS NULL FROM "
                + "portal.account_activation WHERE patient_ref = ?::uuid", id)).isEqualTo("t");
    }

    @Test
    @Order(1)
    void onlyTheFrontDeskIssuesAccess() throws Exception {
        String id = registered();
        given().contentType(ContentType.JSON).body(Map.of("email", email())).post("/api/patients/" + id + "/access")
                .then().statusCode(401);
        for (String role : List.of("patient", "provider", "privacy-officer", "admin")) {
            given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser(role))).contentType(ContentType.JSON)
                    .body(Map.of("email", email())).post("/api/patients/" + id + "/access").then().statusCode(403);
        }
        issue(UUID.randomUUID().toString(), Map.of("email", email())).then().statusCode(404);
        issue(id, Map.of("email", "not an address")).then().statusCode(400);
    }

    @Test
    void aNameKeycloakWouldRefuseStillGetsAnAccount() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random().withName("O'Brien (Smith)^Ann/Marie \"Nan\"");
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(patient).bytes())).then().statusCode(200);
        String id = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                patient.id());
        verified(id);
        String email = email();
        issue(id, Map.of("email", email)).then().statusCode(201);
        Map<String, Object> user = TestRealm.usersByEmail(email).getFirst();
        assertThat(user.get("lastName")).isEqualTo("O'Brien Smith");
        assertThat(user.get("firstName")).isEqualTo("Ann Marie Nan");
    }
}
