package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.providers.TestNpi;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * In real Chromium: the patient shares a study with a physician found by name; the physician sees it under "Shared
 * with me" and downloads it; the patient's dashboard counts the opening; the patient revokes, and the physician's
 * list is empty and the download gone.
 */
@QuarkusTest
class SharingPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aPatientSharesThePhysicianDownloadsThePatientSeesItAndRevokes() throws Exception {
        TestDicom.Patient registered = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(registered).seed(91).size(32);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User patient = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, registered.id(), patient.id());
        TestRealm.User physician = TestRealm.createUser("provider");
        String surname = "Zed" + UUID.randomUUID().toString().substring(0, 6);
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO portal.provider (id, account_subject, name, npi, organisation, email, invited_by) "
                                + "VALUES (gen_random_uuid(), ?, ?, ?, 'Hillside Oncology', ?, 'test')")) {
            s.setString(1, physician.id());
            s.setString(2, "Zoe " + surname);
            s.setString(3, TestNpi.random());
            s.setString(4, physician.username() + "@test.example");
            s.executeUpdate();
        }

        Page home = browser.newPage();
        home.navigate(url("/patient/sharing"));
        Browser.signIn(home, patient);
        home.waitForURL(url("/patient/sharing"));
        assertThat(home.locator(".empty").first()).containsText("not shared any study");
        home.fill("#q", surname);
        home.click("#find-physician");
        home.getByLabel("Zoe " + surname + ", Hillside Oncology").check();
        home.selectOption("#studyId", new com.microsoft.playwright.options.SelectOption().setIndex(1));
        home.selectOption("#purpose", "SECOND_OPINION");
        home.check("#download");
        home.click("#share-study");
        assertThat(home.locator(".notice")).containsText("The study is shared");
        var row = home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname));
        assertThat(row.locator(".state")).hasText("active");
        assertThat(row.locator(".opens")).containsText("0");

        Page doctor = browser.newPage();
        doctor.navigate(url("/provider/shared"));
        Browser.signIn(doctor, physician);
        doctor.waitForURL(url("/provider/shared"));
        assertThat(doctor.locator("tr.shared-study")).hasCount(1);
        assertThat(doctor.locator("tr.shared-study")).containsText(registered.name());
        Download download = doctor.waitForDownload(() -> doctor.click("a.download"));
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.size(download.path())).isPositive();

        home.reload();
        row = home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname));
        assertThat(row.locator(".opens")).containsText("1");
        row.getByText("Revoke").click();
        assertThat(home.locator(".notice")).containsText("Access was taken back");
        assertThat(home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname)).locator(".state"))
                .hasText("revoked");

        doctor.reload();
        assertThat(doctor.locator("tr.shared-study")).hasCount(0);
    }
}
