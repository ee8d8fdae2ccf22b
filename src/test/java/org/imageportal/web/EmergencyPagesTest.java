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
 * A clinician with the break-glass permission finds a patient by ID and birth date, opens a study nobody shared with
 * them with a reason, and views it; the search and the opening are recorded.
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
}
