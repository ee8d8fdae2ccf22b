package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The front desk makes a de-identified copy of a study from its own page: the study in words, the project and what
 * the copy keeps, then what was copied, what was left out and why, and the way to share the copy; a form with
 * mistakes comes back as typed; nobody else reaches the page.
 */
@QuarkusTest
class DeidentifiedCopyPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    /** A CT image and an ultrasound image (which the copy leaves out) in one study; its row id. */
    private String studyWithAnUltrasoundImage(TestDicom.Patient patient, long seed) throws Exception {
        TestDicom ct = TestDicom.ct(patient).studyDate("20260304").seed(seed).number(1);
        TestDicom us = TestDicom.ct(patient).study(ct.studyUid()).series(TestDicom.newUid()).modality("US")
                .seriesNumber(2).number(1).seed(seed + 1);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(ct.bytes(), us.bytes())).then().statusCode(200);
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", ct.studyUid());
    }

    private Page signedIn(TestRealm.User user, String path) {
        Page page = browser.newPage();
        page.navigate(url(path));
        Browser.signIn(page, user);
        page.waitForURL(url(path));
        return page;
    }

    @Test
    void theDeskMakesACopyAndSeesWhatWasLeftOutAndWhy() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String studyId = studyWithAnUltrasoundImage(patient, 9401);
        String project = "Teaching file " + System.nanoTime();

        Page desk = signedIn(TestRealm.createUser("frontdesk"), "/home");
        desk.getByText("De-identified copies").first().click();
        desk.waitForURL(url("/frontdesk/deid"));
        desk.navigate(url("/frontdesk/deid?study=" + studyId));
        Locator source = desk.locator("#source").locator("..");
        assertThat(source).containsText("4 Mar 2026");
        assertThat(source).containsText("CT CHEST");
        assertThat(source).containsText("2 in 2 series");
        assertThat(source).containsText(patient.shownName());
        // each box answers to its own words, and says what it keeps or removes
        assertThat(desk.getByLabel("Shift dates")).isChecked();
        assertThat(desk.locator("#option-RETAIN_LONGITUDINAL_FULL_DATES-effect"))
                .containsText("dates and times stay as they were");
        desk.getByLabel("Keep cleaned descriptions").check();
        desk.getByLabel("Keep patient characteristics").check();
        desk.fill("#project", project);
        desk.click("#make-copy");

        assertThat(desk.locator("#copied"))
                .hasText("1 image was copied for " + project + "; 1 left out (listed below).");
        assertThat(desk.locator("li.excluded-instance")).hasCount(1);
        assertThat(desk.locator("li.excluded-instance"))
                .hasText("Series 2 (US), image 1: ultrasound images often carry burned-in text");

        String copyStudy = Dicomweb.queryString(db,
                "SELECT copy_study::text FROM portal.deid_copy WHERE source_study = ?::uuid", studyId);
        org.assertj.core.api.Assertions.assertThat(copyStudy).isNotNull().isNotEqualTo(studyId);
        String pseudonym = Dicomweb.queryString(db, "SELECT p.patient_id FROM portal.patient p JOIN portal.study s "
                + "ON s.patient_ref = p.id WHERE s.id = ?::uuid", copyStudy);
        org.assertj.core.api.Assertions.assertThat(pseudonym).startsWith("ANON-");
        Locator copy = desk.locator("#copy").locator("..");
        assertThat(desk.locator("#pseudonym")).hasText(pseudonym);
        assertThat(copy).containsText("1 in 1 series");
        assertThat(copy).containsText("CHEST");
        assertThat(copy).not().containsText(patient.shownName());
        assertThat(copy).not().containsText(patient.id());

        // the copy's images carry the pseudonym, and nothing of the patient's name
        String copyUid = Dicomweb.queryString(db, "SELECT study_uid FROM portal.study WHERE id = ?::uuid", copyStudy);
        List<byte[]> parts = Dicomweb.parts(given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser(
                "frontdesk"))).accept("multipart/related; type=\"application/dicom\"")
                .get("/dicomweb/studies/" + copyUid).then().statusCode(200).extract().response());
        org.assertj.core.api.Assertions.assertThat(parts).hasSize(1);
        String text = new String(parts.getFirst(), StandardCharsets.ISO_8859_1);
        org.assertj.core.api.Assertions.assertThat(text).contains(pseudonym).doesNotContain(patient.id(),
                patient.name().split("\\^")[0], patient.name().split("\\^")[1]);

        // next: the desk's link page offers the copy
        desk.click("#share-copy");
        desk.waitForURL(url("/frontdesk/sharing/" + Dicomweb.queryString(db,
                "SELECT patient_ref::text FROM portal.study WHERE id = ?::uuid", copyStudy) + "/link"));
        assertThat(desk.locator("#studyId option[value='" + copyStudy + "']")).hasCount(1);
    }

    @Test
    void aFormWithMistakesComesBackAsTypedWithAMessagePerField() throws Exception {
        String studyId = studyWithAnUltrasoundImage(TestDicom.Patient.random(), 9411);
        Page desk = signedIn(TestRealm.createUser("frontdesk"), "/frontdesk/deid?study=" + studyId);
        // a name of spaces only is no name; keeping and shifting the dates cannot both be
        desk.fill("#project", "   ");
        desk.getByLabel("Keep dates").check();
        desk.getByLabel("Keep the institution").check();
        desk.click("#make-copy");

        assertThat(desk.locator("#project-error")).containsText("name the project");
        assertThat(desk.locator("#project")).hasAttribute("aria-invalid", "true");
        assertThat(desk.locator("#options-error")).containsText("either keeping the dates or shifting them");
        assertThat(desk.getByLabel("Keep dates")).isChecked();
        assertThat(desk.getByLabel("Shift dates")).isChecked();
        assertThat(desk.getByLabel("Keep the institution")).isChecked();
        assertThat(desk.getByLabel("Keep patient characteristics")).not().isChecked();
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.deid_copy WHERE source_study = ?::uuid", studyId)).isEqualTo("0");

        // a study the portal does not hold: not found, as any unknown study
        com.microsoft.playwright.Response unknown = desk.navigate(url("/frontdesk/deid?study=" + UUID.randomUUID()));
        org.assertj.core.api.Assertions.assertThat(unknown.status()).isEqualTo(404);
        org.assertj.core.api.Assertions.assertThat(desk.navigate(url("/frontdesk/deid?study=not-a-study")).status())
                .isEqualTo(404);
    }

    @Test
    void patientsAndPhysiciansDoNotReachThePage() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String path = "/frontdesk/deid?study=" + studyWithAnUltrasoundImage(patient, 9421);
        TestRealm.User owner = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        for (TestRealm.User user : List.of(TestRealm.createUser("provider"), owner)) {
            Page page = browser.newPage();
            page.navigate(url(path));
            Browser.signIn(page, user);
            page.waitForURL(url(path));
            org.assertj.core.api.Assertions.assertThat(page.navigate(url(path)).status()).as(user.username())
                    .isIn(403, 404);
            assertThat(page.locator("#make-copy")).hasCount(0);
            page.context().close();
        }
    }
}
