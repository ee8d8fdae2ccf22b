package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

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
 * A clinician with the break-glass permission finds a study by the patient's ID and birth date, name or the study
 * date, opens a study nobody shared with them with a reason, views it, sees the time left and ends it early; every
 * step is recorded.
 */
@QuarkusTest
class EmergencyPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aClinicianFindsOpensAndViewsAStudyInAnEmergency() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random().withBirthDate("19750612");
        TestDicom study = TestDicom.ct(patient).seed(9201);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User clinician = TestRealm.createUser("break-glass");

        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, clinician);
        page.getByText("Open a study in an emergency").click();
        page.waitForURL(url("/emergency"));

        // both identifiers must match
        page.fill("#patientId", patient.id());
        page.fill("#birthDate", "1975-06-13");
        page.click("#find");
        assertThat(page.locator("#none-found")).isVisible();
        org.assertj.core.api.Assertions.assertThat(page.url()).doesNotContain(patient.id());
        page.fill("#patientId", patient.id());
        page.fill("#birthDate", "1975-06-12");
        page.click("#find");
        assertThat(page.locator("tr.candidate")).hasCount(1);

        page.locator("tr.candidate textarea").fill("Unconscious in the emergency department, prior CT needed");
        page.locator("tr.candidate button.open-study").click();
        page.waitForURL(u -> u.endsWith("/view"));
        assertThat(page.locator(".notice")).containsText("Emergency access");
        Browser.waitUntil(page, "() => Number(document.getElementById('viewer-canvas').dataset.rendered || 0) > 0");

        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'breakglass.opened' AND outcome = 'success'",
                clinician.id())).isEqualTo("1");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'query.studies' "
                + "AND detail->>'breakGlass' = 'search'", clinician.id())).isEqualTo("2");
        // the values searched for are not in the trail
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = '" + clinician.id() + "' AND detail::text LIKE ?",
                "%" + patient.id() + "%")).isEqualTo("0");
    }

    @Test
    void aClinicianFindsAStudyByNameOrDateSeesTheTimeLeftAndEndsTheOpeningEarly() throws Exception {
        String family = "Muller" + letters();
        TestDicom.Patient patient = TestDicom.Patient.random().withName(family + "^Jose").withBirthDate("19621103");
        String studyDay = "1999" + String.format("%04d", 101 + RANDOM.nextInt(8) * 100 + RANDOM.nextInt(28));
        TestDicom study = TestDicom.ct(patient).studyDate(studyDay).seed(9202);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User clinician = TestRealm.createUser("break-glass");

        Page page = browser.newPage();
        page.setViewportSize(390, 844);
        page.navigate(url("/emergency"));
        Browser.signIn(page, clinician);
        page.waitForURL(url("/emergency"));
        assertThat(page.locator("tr.opening")).hasCount(0);

        // the name in the other order, with accents and capitals the record does not have
        String typed = "JOSÉ " + family.replace("Muller", "Müller").toLowerCase(java.util.Locale.ROOT);
        page.fill("#name", typed);
        page.click("#find");
        assertThat(page.locator("tr.candidate")).hasCount(1);
        assertThat(page.locator("tr.candidate .patient-name")).hasText("Jose " + family);
        assertThat(page.locator("tr.candidate")).containsText(patient.id());
        assertThat(page.locator("#name")).hasValue(typed);

        // the study date alone, typed as a date
        page.fill("#name", "");
        page.fill("#studyDate", studyDay.substring(0, 4) + "-" + studyDay.substring(4, 6) + "-"
                + studyDay.substring(6));
        page.click("#find");
        assertThat(page.locator("tr.candidate .patient-name")
                .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(family))).hasCount(1);

        // the name with a study date it does not have: every detail given must match
        page.fill("#name", family);
        page.fill("#studyDate", "2001-01-01");
        page.click("#find");
        assertThat(page.locator("#none-found")).isVisible();

        // nothing to search by
        page.fill("#name", "");
        page.fill("#studyDate", "");
        page.click("#find");
        assertThat(page.locator(".errors")).containsText("patient ID, the patient's name or the study date");

        page.fill("#patientId", patient.id());
        page.click("#find");
        page.locator("tr.candidate textarea").fill("Collapsed in the waiting room, prior CT needed now");
        page.locator("tr.candidate button.open-study").click();
        page.waitForURL(u -> u.endsWith("/view"));

        page.navigate(url("/emergency"));
        assertThat(page.locator("tr.opening")).hasCount(1);
        assertThat(page.locator("tr.opening")).containsText("Jose " + family);
        assertThat(page.locator("tr.opening .time-left")).containsText("59 min");
        assertThat(page.locator("tr.opening .reason")).hasText("Collapsed in the waiting room, prior CT needed now");
        // a card on a phone, not a table wider than the screen
        org.assertj.core.api.Assertions.assertThat(((Number) page.evaluate(
                "() => document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);

        // the box must be ticked before the opening ends
        page.locator("tr.opening button.end").click();
        assertThat(page.locator("tr.opening")).hasCount(1);
        page.locator("tr.opening input[name=confirm]").check();
        page.locator("tr.opening button.end").click();
        page.waitForURL(url("/emergency?done=ended"));
        assertThat(page.locator("#done")).containsText("closed to you");
        assertThat(page.locator("tr.opening")).hasCount(0);

        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                study.studyUid());
        org.assertj.core.api.Assertions.assertThat(page.navigate(url("/emergency/" + studyId + "/view")).status())
                .isEqualTo(404);
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'breakglass.ended' AND outcome = 'success' "
                + "AND entity = 'study:" + studyId + "'", clinician.id())).isEqualTo("1");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT string_agg(DISTINCT "
                + "detail->>'criteria', ';' ORDER BY detail->>'criteria') FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'query.studies'", clinician.id()))
                .isEqualTo("PatientID;PatientName;PatientName,StudyDate;StudyDate");
        // ending is once: a second end finds nothing open
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.break_glass WHERE actor = ? AND ended_at IS NOT NULL", clinician.id())).isEqualTo("1");
    }

    private static final java.util.Random RANDOM = new java.util.Random();

    private static String letters() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            out.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return out.toString();
    }
}
