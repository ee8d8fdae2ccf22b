package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A patient with more studies than a staff list holds (205): every one of them can be shared from the patient's
 * sharing page, and the front desk's page of the patient lists every one, the oldest included.
 */
@QuarkusTest
class ManyStudiesTest extends BrowserTest {

    private static final int STUDIES = 205;

    @Inject
    DataSource db;

    @Test
    void everyStudyOfAPatientIsOfferedAndListed() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        LocalDate newest = LocalDate.of(2026, 6, 30);
        List<byte[]> studies = new ArrayList<>();
        for (int i = 0; i < STUDIES; i++) {
            studies.add(TestDicom.ct(patient).size(16).studyDate(newest.minusDays(i).toString().replace("-", ""))
                    .seed(9300 + i).bytes());
        }
        for (int i = 0; i < STUDIES; i += 41) {
            Dicomweb.stow(TestRealm.ingestToken(), studies.subList(i, Math.min(STUDIES, i + 41))).then()
                    .statusCode(200);
        }
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        String registry = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                patient.id());

        Page own = browser.newPage();
        own.navigate(url("/patient/sharing"));
        Browser.signIn(own, user);
        own.waitForURL(url("/patient/sharing"));
        // the first option asks to choose
        assertThat(own.locator("#link-studyId option")).hasCount(STUDIES + 1);
        // as people read it: the date in the practice's format, the modality not repeated
        assertThat(own.locator("#link-studyId option").nth(1)).hasText(Readable.date(newest) + ", CT CHEST");
        assertThat(own.locator("#link-studyId option").last())
                .containsText(Readable.date(newest.minusDays(STUDIES - 1)));

        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients/" + registry));
        Browser.signIn(desk, TestRealm.createUser("frontdesk"));
        desk.waitForURL(url("/frontdesk/patients/" + registry));
        assertThat(desk.locator("tr.study")).hasCount(STUDIES);
        assertThat(desk.locator("tr.study").last()).containsText(Readable.date(newest.minusDays(STUDIES - 1)));
    }
}
