package org.imageportal.notifications;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.disclosures.DisclosuresConfig;
import org.imageportal.sharing.ShareExpiryService;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.DbOwner;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.SmtpSink;
import org.imageportal.support.TestRealm;
import org.imageportal.support.WithSmtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Notifications beyond the sharing openings, with SMTP to a local sink: a new study, a share about to end, a
 * delivered accounting. Each is a row the patient reads in the portal and an e-mail that says only what kind of
 * thing happened; a batch of new studies is one e-mail until the patient has read them.
 */
@QuarkusTest
@TestProfile(WithSmtp.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationMailTest {

    @Inject
    DataSource db;

    @Inject
    ShareExpiryService expiries;

    SmtpSink sink;

    @BeforeAll
    void setUp() {
        sink = SmtpSink.listen("smtp");
    }

    @AfterAll
    void tearDown() {
        sink.close();
    }

    /** A patient with an account and a confirmed address; their first study arrived before the address. */
    private record Patient(TestDicom.Patient dicom, TestRealm.User user, String token, String address,
            String firstStudy) {
    }

    private Patient patientWithAddress() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(System.nanoTime());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        String address = user.username() + "@patients.example";
        try (Connection c = DbOwner.connect();
                PreparedStatement s = c.prepareStatement("UPDATE portal.patient SET email = ? WHERE patient_id = ?")) {
            s.setString(1, address);
            s.setString(2, patient.id());
            s.executeUpdate();
        }
        return new Patient(patient, user, TestRealm.mfaToken(user), address,
                Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", study.studyUid()));
    }

    private String newStudy(Patient patient) {
        TestDicom study = TestDicom.ct(patient.dicom()).seed(System.nanoTime());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        return study.studyUid();
    }

    /** The patient's notifications of a kind, oldest first: message and whether it was e-mailed. */
    private List<String[]> notifications(Patient patient, String kind) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT n.message, n.emailed_at IS NOT NULL "
                        + "FROM portal.notification n JOIN portal.patient p ON p.id = n.patient_ref "
                        + "WHERE p.patient_id = ? AND n.kind = ? ORDER BY n.id")) {
            s.setString(1, patient.dicom().id());
            s.setString(2, kind);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new String[]{r.getString(1), Boolean.toString(r.getBoolean(2))});
                }
            }
        }
        return out;
    }

    /** The next e-mail to this address (others are skipped), or null within the time. */
    private SmtpSink.Message mailTo(String address, long seconds) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < until) {
            SmtpSink.Message m = sink.next(Math.max(1, (until - System.nanoTime()) / 1_000_000_000));
            if (m != null && m.recipients().contains(address)) {
                return m;
            }
        }
        return null;
    }

    private void assertNoHealthData(SmtpSink.Message mail, Patient patient, String... more) {
        String text = mail.content().replace("=\r\n", "");
        assertThat(text).contains("Sign in at").doesNotContain(patient.dicom().name().split("\\^")[0])
                .doesNotContain(patient.dicom().id()).doesNotContain("CT CHEST");
        for (String m : more) {
            assertThat(text).doesNotContain(m);
        }
    }

    @Test
    void newStudiesAreOneEmailUntilThePatientHasReadThem() throws Exception {
        Patient patient = patientWithAddress();
        assertThat(notifications(patient, "NEW_STUDY")).as("the first study, before the address").singleElement()
                .satisfies(n -> assertThat(n[0]).startsWith("New images are available: CT CHEST of "));

        String second = newStudy(patient);
        SmtpSink.Message mail = mailTo(patient.address(), 15);
        assertThat(mail).as("an e-mail for the second study").isNotNull();
        assertThat(mail.content()).contains("Subject: New images in your patient image portal");
        assertNoHealthData(mail, patient, second);

        newStudy(patient);
        assertThat(mailTo(patient.address(), 4)).as("no second e-mail while the first is unread").isNull();
        List<String[]> rows = notifications(patient, "NEW_STUDY");
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().map(n -> n[1])).containsExactly("true", "true", "false");

        // the patient reads the notifications in the portal: the next study is e-mailed again
        try (Connection c = DbOwner.connect();
                PreparedStatement s = c.prepareStatement("UPDATE portal.notification SET read_at = now() "
                        + "WHERE patient_ref = (SELECT id FROM portal.patient WHERE patient_id = ?)")) {
            s.setString(1, patient.dicom().id());
            s.executeUpdate();
        }
        newStudy(patient);
        assertThat(mailTo(patient.address(), 15)).as("an e-mail once the others were read").isNotNull();
        assertThat(notifications(patient, "NEW_STUDY")).hasSize(4);
    }

    @Test
    void anotherInstanceOfAKnownStudyIsNoNewStudy() throws Exception {
        Patient patient = patientWithAddress();
        String uid = Dicomweb.queryString(db, "SELECT study_uid FROM portal.study WHERE id = ?::uuid",
                patient.firstStudy());
        TestDicom more = TestDicom.ct(patient.dicom()).study(uid).seed(System.nanoTime());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(more.bytes())).then().statusCode(200);
        assertThat(Dicomweb.queryString(db, "SELECT instance_count::text FROM portal.study WHERE id = ?::uuid",
                patient.firstStudy())).isEqualTo("2");
        assertThat(notifications(patient, "NEW_STUDY")).hasSize(1);
    }

    @Test
    void aShareAboutToEndIsWarnedOnceAndAShortOneNotAtAll() throws Exception {
        Patient patient = patientWithAddress();
        TestRealm.User doctor = TestRealm.createUser("provider");
        String provider = Physicians.register(db, doctor, "Dr Ines Varga " + UUID.randomUUID().toString()
                .substring(0, 6), "Riverside Clinic");
        // far enough from any other test's shares that warning "now" at their end touches only these
        Instant grantEnds = Instant.now().plus(Duration.ofDays(200)).plusSeconds(System.nanoTime() % 86_400)
                .truncatedTo(ChronoUnit.SECONDS);
        given().auth().oauth2(patient.token()).contentType(ContentType.JSON)
                .body(Map.of("studyId", patient.firstStudy(), "providerId", provider, "purpose", "TREATMENT",
                        "expiresAt", grantEnds.toString()))
                .post("/api/sharing/grants").then().statusCode(201);
        Instant linkEnds = Instant.now().plus(Duration.ofDays(25)).plusSeconds(System.nanoTime() % 86_400)
                .truncatedTo(ChronoUnit.SECONDS);
        String recipient = "Dr Lena Park " + UUID.randomUUID().toString().substring(0, 6);
        ShareLinks.issue(patient.token(), patient.firstStudy(),
                Map.of("recipientName", recipient, "expiresAt", linkEnds.toString()));
        String shortRecipient = "Dr Short " + UUID.randomUUID().toString().substring(0, 6);
        ShareLinks.issue(patient.token(), patient.firstStudy(), Map.of("recipientName", shortRecipient,
                "expiresAt", Instant.now().plus(Duration.ofDays(1)).toString()));

        expiries.warn(Instant.now()).await().indefinitely();
        assertThat(notifications(patient, "SHARE_EXPIRING")).as("a one-day link needs no warning").isEmpty();

        assertThat(expiries.warn(grantEnds.minus(Duration.ofHours(30))).await().indefinitely()).isPositive();
        assertThat(notifications(patient, "SHARE_EXPIRING")).singleElement().satisfies(n -> assertThat(n[0])
                .startsWith("Your share of CT CHEST with Dr Ines Varga").contains(" ends on "));
        SmtpSink.Message mail = mailTo(patient.address(), 15);
        assertThat(mail).as("an e-mail that a share ends soon").isNotNull();
        assertThat(mail.content()).contains("Subject: Access you gave to a study ends soon");
        assertNoHealthData(mail, patient, "Varga");

        expiries.warn(linkEnds.minus(Duration.ofHours(1))).await().indefinitely();
        assertThat(notifications(patient, "SHARE_EXPIRING")).hasSize(2).last().satisfies(n -> assertThat(n[0])
                .isEqualTo("The link you made for " + recipient + " (CT CHEST) ends on "
                        + notificationsDay(linkEnds) + "."));
        assertNoHealthData(mailTo(patient.address(), 15), patient, "Park");

        // once per share: later runs in the same period warn nobody again
        expiries.warn(linkEnds.minus(Duration.ofMinutes(30))).await().indefinitely();
        expiries.warn(grantEnds.minus(Duration.ofHours(2))).await().indefinitely();
        assertThat(notifications(patient, "SHARE_EXPIRING")).hasSize(2);
    }

    @Inject
    NotificationService service;

    @Inject
    DisclosuresConfig practice;

    private String notificationsDay(Instant at) {
        return org.imageportal.platform.text.Words.date(at.atZone(practice.timeZone()).toLocalDate());
    }

    @Test
    void aDeliveredAccountingIsNotified() throws Exception {
        Patient patient = patientWithAddress();
        String request = given().auth().oauth2(patient.token()).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/requests").then().statusCode(201).extract().path("id");
        assertThat(notifications(patient, "ACCOUNTING_DELIVERED")).isEmpty();
        given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("privacy-officer")))
                .post("/api/accounting/requests/" + request + "/delivery").then().statusCode(200);
        assertThat(notifications(patient, "ACCOUNTING_DELIVERED")).singleElement().satisfies(n -> assertThat(n[0])
                .startsWith("The accounting of disclosures you asked for on ").endsWith("is ready: read it under "
                        + "\"Who saw my images\"."));
        SmtpSink.Message mail = mailTo(patient.address(), 15);
        assertThat(mail).as("an e-mail that the accounting is ready").isNotNull();
        assertThat(mail.content()).contains("Subject: Your accounting of disclosures is ready");
        assertNoHealthData(mail, patient, request);
    }
}
