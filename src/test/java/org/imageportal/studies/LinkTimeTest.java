package org.imageportal.studies;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.support.AdjustableClock;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Time on share links, with the portal's clock moved forward: a link opens nothing before its not-before time and
 * nothing after its expiry (landing page and DICOMweb alike); a link session ends after 30 minutes and the code
 * must be entered again.
 */
@QuarkusTest
class LinkTimeTest {

    @Inject
    DataSource db;

    @Inject
    AdjustableClock clock;

    private static String patientToken;
    private static String studyId;
    private static String studyUid;

    @BeforeEach
    void setUp() throws Exception {
        if (patientToken != null) {
            return;
        }
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(31);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        patientToken = TestRealm.mfaToken(user);
        studyUid = study.studyUid();
        studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", studyUid);
    }

    @AfterEach
    void backToNow() {
        clock.reset();
    }

    private int metadata(Issued link, String session) {
        return given().redirects().follow(false).cookie("portal_link", session)
                .get(link.path() + "/dicomweb/studies/" + studyUid + "/metadata").statusCode();
    }

    @Test
    void aLinkOpensOnlyBetweenNotBeforeAndExpiry() {
        Instant start = Instant.now().plus(Duration.ofHours(2));
        Issued link = ShareLinks.issue(patientToken, studyId, Map.of("notBefore", start.toString(), "expiresAt",
                start.plus(Duration.ofDays(1)).toString()));
        assertThat(given().get(link.path()).statusCode()).as("before not-before").isEqualTo(404);

        clock.advance(Duration.ofHours(2).plusMinutes(1));
        assertThat(given().get(link.path()).statusCode()).as("after not-before").isEqualTo(200);
        String session = ShareLinks.openSession(link);
        assertThat(metadata(link, session)).isEqualTo(200);

        clock.advance(Duration.ofDays(1));
        assertThat(metadata(link, session)).as("after expiry, even with a live session").isEqualTo(404);
        assertThat(given().get(link.path()).statusCode()).as("landing after expiry").isEqualTo(404);
    }

    @Test
    void aLinkSessionEndsAfterThirtyMinutes() {
        Issued link = ShareLinks.issue(patientToken, studyId, Map.of());
        String session = ShareLinks.openSession(link);
        clock.advance(Duration.ofMinutes(29));
        assertThat(metadata(link, session)).isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        assertThat(metadata(link, session)).isEqualTo(404);
        assertThat(given().redirects().follow(false).cookie("portal_link", session).get(link.path() + "/study")
                .getHeader("Location")).as("the code is asked for again").endsWith(link.path());
        assertThat(metadata(link, ShareLinks.openSession(link))).isEqualTo(200);
    }
}
