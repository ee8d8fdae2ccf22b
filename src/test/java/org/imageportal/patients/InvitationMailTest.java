package org.imageportal.patients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.providers.TestNpi;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.SmtpSink;
import org.imageportal.support.TestRealm;
import org.imageportal.support.WithSmtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * With SMTP configured, the activation goes to the address confirmed at the desk instead of onto the slip (a local
 * SMTP sink receives it); the code in the e-mail is the account's; if sending fails, the slip carries the code.
 */
@QuarkusTest
@TestProfile(WithSmtp.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InvitationMailTest {

    private static final Pattern CODE = Pattern.compile("Activation code:\\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})");
    private static final Pattern USER = Pattern.compile("User name:\\s+(\\S+)");

    @Inject
    DataSource db;

    SmtpSink sink;
    String frontdesk;

    @BeforeAll
    void setUp() {
        sink = SmtpSink.listen("smtp");
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    @AfterAll
    void tearDown() {
        sink.close();
    }

    private String verifiedPatient() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(patient).bytes())).then().statusCode(200);
        String id = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?", patient.id());
        given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("method", "KNOWN_PERSONALLY", "site", "front desk")).post("/api/patients/" + id
                        + "/verifications")
                .then().statusCode(201);
        return id;
    }

    @Test
    @Order(1)
    void theActivationIsEmailedNotPrintedAndTheEmailedCodeIsTheAccounts() throws Exception {
        String id = verifiedPatient();
        String email = "mail-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
        Response issued = given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("email", email)).post("/api/patients/" + id + "/access");
        issued.then().statusCode(201);
        assertThat(issued.jsonPath().getString("emailedTo")).isEqualTo(email);
        assertThat(issued.jsonPath().getString("activationCode")).isNull();

        SmtpSink.Message message = sink.next(10);
        assertThat(message).as("an e-mail reached the SMTP sink").isNotNull();
        assertThat(message.recipients()).containsExactly(email);
        assertThat(message.content()).contains("Subject: Your access to the patient image portal");
        String text = message.content().replace("=\r\n", "");
        Matcher code = CODE.matcher(text);
        Matcher user = USER.matcher(text);
        assertThat(code.find()).as(text).isTrue();
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).isEqualTo(issued.jsonPath().getString("username"));
        assertThat(TestRealm.passwordSignIn(user.group(1), code.group(1)).jsonPath().getString("error_description"))
                .contains("not fully set up");
        assertThat(text).doesNotContain(Dicomweb.queryString(db, "SELECT name FROM portal.patient WHERE id = ?::uuid",
                id));
    }

    /** Last: it stops the sink. */
    @Test
    @Order(Integer.MAX_VALUE)
    void whenTheMailServerIsDownTheSlipCarriesTheCodeAfterAll() throws Exception {
        sink.close();
        String id = verifiedPatient();
        Response issued = given().auth().oauth2(frontdesk).contentType(ContentType.JSON)
                .body(Map.of("email", "down-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example"))
                .post("/api/patients/" + id + "/access");
        issued.then().statusCode(201);
        assertThat(issued.jsonPath().getString("emailedTo")).isNull();
        assertThat(issued.jsonPath().getString("activationCode")).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");
    }

    @Test
    @Order(1)
    void aPhysiciansInvitationIsEmailedToo() throws Exception {
        String email = "dr-mail-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
        Response invited = given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("admin")))
                .contentType(ContentType.JSON)
                .body(Map.of("givenName", "Mo", "familyName", "Mailer", "npi", TestNpi.random(), "organisation",
                        "Clinic", "email", email))
                .post("/api/providers");
        invited.then().statusCode(201);
        assertThat(invited.jsonPath().getString("activationCode")).isNull();
        SmtpSink.Message message = sink.next(10);
        assertThat(message).isNotNull();
        assertThat(message.recipients()).containsExactly(email);
        assertThat(CODE.matcher(message.content().replace("=\r\n", "")).find()).isTrue();
    }

    @Test
    @Order(2)
    void whenALinkIsOpenedThePatientGetsAnEmailWithoutHealthData() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(77);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        String address = user.username() + "@patients.example";
        try (java.sql.Connection c = org.imageportal.support.DbOwner.connect();
                java.sql.PreparedStatement s = c
                        .prepareStatement("UPDATE portal.patient SET email = ? WHERE patient_id = ?")) {
            s.setString(1, address);
            s.setString(2, patient.id());
            s.executeUpdate();
        }
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                study.studyUid());
        org.imageportal.support.ShareLinks.Issued link = org.imageportal.support.ShareLinks
                .issue(TestRealm.mfaToken(user), studyId, Map.of());
        org.imageportal.support.ShareLinks.openSession(link);
        SmtpSink.Message mail = sink.next(15);
        assertThat(mail).as("an e-mail to the patient").isNotNull();
        assertThat(mail.recipients()).containsExactly(address);
        assertThat(mail.content()).contains("A study you shared was opened").contains("Sign in at")
                .doesNotContain(patient.name().split("\\^")[0]).doesNotContain("CT CHEST")
                .doesNotContain("Okafor").doesNotContain(link.path());
    }
}
