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

/** The desk's patient page lists the patient's studies and makes a de-identified copy of one for a project. */
@QuarkusTest
class FrontDeskStudiesPageTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void thePatientPageListsTheStudiesAndMakesADeidentifiedCopy() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).studyDate("20260304").seed(9301);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User clerk = TestRealm.createUser("frontdesk");

        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients"));
        Browser.signIn(desk, clerk);
        desk.waitForURL(url("/frontdesk/patients"));
        desk.fill("#mrn", patient.id());
        desk.click("button[type=submit]");
        desk.getByText(patient.shownName()).click();
        assertThat(desk.locator("tr.study")).hasCount(1);
        assertThat(desk.locator("tr.study")).containsText("4 Mar 2026");
        // the modality is named once, not again before a description that starts with it
        assertThat(desk.locator("tr.study")).containsText("CT CHEST");
        assertThat(desk.locator("tr.study")).not().containsText("CT CT");

        desk.locator("tr.study input[name=project]").fill("Teaching file 2026");
        desk.locator("tr.study button.deidentify").click();
        assertThat(desk.locator(".notice")).hasText("The de-identified copy for Teaching file 2026 holds 1 image.");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'deid.created'", clerk.id())).isEqualTo("1");
        // the copy is not the patient's: their page still lists their one study
        assertThat(desk.locator("tr.study")).hasCount(1);
    }
}
