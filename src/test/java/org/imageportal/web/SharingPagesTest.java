package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PageSteps;
import org.imageportal.support.Physicians;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

import io.quarkus.test.junit.QuarkusTest;

/**
 * In real Chromium: the patient shares a study with a physician found by name; the physician sees it under "Shared
 * with me" and downloads it; the patient's dashboard counts the opening; the patient revokes, once the box saying
 * what stops is ticked, and the physician's list is empty and the download gone.
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
        Physicians.register(db, physician, "Zoe " + surname, "Hillside Oncology");

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
        // the box sits by its words, not stretched across the form
        org.assertj.core.api.Assertions.assertThat(home.locator("#download").boundingBox().width).isLessThan(40);
        home.click("#share-study");
        assertThat(home.locator(".notice")).containsText("The study is shared");
        // on a phone (390 px) the page with its table of shares does not overflow
        org.assertj.core.api.Assertions.assertThat(((Number) home.evaluate(
                "() => document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);
        var row = home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname));
        assertThat(row.locator(".state")).hasText("active");
        assertThat(row.locator(".opens")).containsText("0");

        Page doctor = browser.newPage();
        doctor.navigate(url("/provider/shared"));
        Browser.signIn(doctor, physician);
        doctor.waitForURL(url("/provider/shared"));
        assertThat(doctor.locator("tr.shared-study")).hasCount(1);
        assertThat(doctor.locator("tr.shared-study")).containsText(registered.shownName());
        // the physician views it in the browser (the image is drawn on the canvas); the patient is told
        doctor.click("a.view");
        org.assertj.core.api.Assertions.assertThat(PageSteps.litViewerPixels(doctor)).isGreaterThan(10_000);
        // a way home and out from the viewer
        assertThat(doctor.locator("nav[aria-label=Main] a[href='/home']")).hasText("Home");
        assertThat(doctor.locator("nav[aria-label=Main] input.signout")).isVisible();
        doctor.navigate(url("/provider/shared"));
        Download download = doctor.waitForDownload(() -> doctor.click("a.download"));
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.size(download.path())).isPositive();

        home.reload();
        assertThat(home.locator("#notifications")).containsText("Zoe " + surname + " opened your study");
        // as people read it: the practice's date, the purpose in words
        assertThat(home.locator("#notifications")).containsText("opened your study of 15 Jan 2026, CT CHEST, "
                + "shared for second opinion.");
        row = home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname));
        assertThat(row.locator(".opens")).containsText("2");
        // revoking cannot be undone: the box says what stops, and without it ticked nothing is revoked
        var revoke = row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke"));
        assertThat(row.locator("label.confirm")).hasText(
                "Zoe " + surname + " can no longer open CT CHEST of 15 Jan 2026. This cannot be undone.");
        revoke.click();
        assertThat(row.locator(".state")).hasText("active");
        row.locator("input[name=confirm]").evaluate("box => { box.required = false; }");
        revoke.click();
        assertThat(home.locator(".errors")).containsText(
                "tick the box to confirm: Zoe " + surname + " can no longer open CT CHEST of 15 Jan 2026");
        assertThat(home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname)).locator(".state"))
                .hasText("active");
        row = home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname));
        row.locator("input[name=confirm]").check();
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(home.locator(".notice")).containsText("Access was taken back");
        assertThat(home.locator("tr.grant", new Page.LocatorOptions().setHasText(surname)).locator(".state"))
                .hasText("revoked");

        doctor.reload();
        assertThat(doctor.locator("tr.shared-study")).hasCount(0);
        org.assertj.core.api.Assertions.assertThat(doctor.navigate(url("/provider/shared/"
                + Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", study.studyUid())
                + "/view")).status()).isEqualTo(404);

        // the patient views their own study in the same viewer
        home.navigate(url("/patient/studies"));
        home.click("a.view");
        Browser.waitUntil(home, "() => Number(document.getElementById('viewer-canvas').dataset.rendered || 0) > 0");
    }
}
