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

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/** The privacy officer holds a study past its retention for a matter, releases it, and purges what is due. */
@QuarkusTest
class RetentionPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void anOfficerHoldsReleasesAndPurgesFromThePage() throws Exception {
        TestDicom old = TestDicom.ct(TestDicom.Patient.random()).studyDate("20060301").seed(System.nanoTime());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(old.bytes())).then().statusCode(200);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                old.studyUid());

        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, TestRealm.createUser("privacy-officer"));
        page.getByText("Retention and legal holds").click();
        page.waitForURL(url("/privacy/retention"));
        Locator row = page.locator("tr.due", new Page.LocatorOptions().setHasText(studyId));
        assertThat(row).containsText("1 Mar 2006");

        row.locator("input[name=reason]").fill("Litigation hold, case 26-CV-0999");
        row.locator("button.place-hold").click();
        assertThat(page.locator(".notice")).containsText("on legal hold");
        assertThat(row).containsText("On hold: Litigation hold, case 26-CV-0999");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT legal_hold::text FROM portal.study WHERE id = ?::uuid", studyId)).isEqualTo("true");

        row.locator("button.release-hold").click();
        assertThat(page.locator(".notice")).containsText("released");
        // a purge only with the confirmation: the browser asks for the box, and so does the portal
        String before = page.url();
        page.click("#purge-now");
        org.assertj.core.api.Assertions.assertThat(page.url()).isEqualTo(before);
        assertThat(page.locator("tr.due", new Page.LocatorOptions().setHasText(studyId))).hasCount(1);
        page.check("#confirm-purge");
        page.click("#purge-now");
        assertThat(page.locator(".notice")).containsText("were purged");
        assertThat(page.locator("tr.due", new Page.LocatorOptions().setHasText(studyId))).hasCount(0);
        // gone, with its tombstone left
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.study WHERE id = ?::uuid", studyId)).isEqualTo("0");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.study_tombstone WHERE study_id = ?::uuid", studyId))
                .isEqualTo("1");
    }
}
