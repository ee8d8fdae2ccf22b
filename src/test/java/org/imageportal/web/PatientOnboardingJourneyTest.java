package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.imageportal.support.Totp;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The whole onboarding in real Chromium against the real Keycloak: the front desk signs in with MFA, finds the
 * patient, records an in-person verification and issues access; the slip shows the code. The patient activates
 * with it (own password, authenticator enrolled from the secret on the enrolment page), sees the study and
 * downloads it; the activation code does not work a second time.
 */
@QuarkusTest
class PatientOnboardingJourneyTest extends BrowserTest {

    private static final String NEW_PASSWORD = "Correct-Horse-Battery-9";

    @Test
    void frontDeskIssuesAccessAndThePatientActivatesSeesAndDownloadsTheStudy() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom first = TestDicom.ct(patient).number(1).seed(71).size(32);
        TestDicom second = TestDicom.ct(patient).study(first.studyUid()).series(first.seriesUid()).number(2)
                .seed(72).size(32);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(first.bytes(), second.bytes())).then().statusCode(200);

        // the front desk: sign in (password + code), find, verify, issue
        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients"));
        Browser.signIn(desk, TestRealm.createUser("frontdesk"));
        desk.waitForURL(url("/frontdesk/patients"));
        desk.fill("#mrn", patient.id());
        desk.click("button[type=submit]");
        desk.getByText(patient.shownName()).click();
        assertThat(desk.locator("h1")).hasText(patient.shownName());
        assertThat(desk.locator("#verified-state")).containsText("Not verified recently");

        // issuing before a verification is refused on the page
        desk.fill("#email", "journey-" + System.nanoTime() + "@test.example");
        desk.click("#issue-access");
        assertThat(desk.locator(".errors")).containsText("verify the patient's identity in person first");

        desk.selectOption("#method", "GOVERNMENT_PHOTO_ID");
        desk.fill("#documentType", "passport");
        desk.fill("#documentLast4", "12-4");
        desk.fill("#site", "Main street front desk");
        desk.click("#record-verification");
        assertThat(desk.locator(".errors")).containsText("last four characters");
        // what was entered is kept for correction, except the document characters
        assertThat(desk.locator("#documentType")).hasValue("passport");
        assertThat(desk.locator("#site")).hasValue("Main street front desk");
        assertThat(desk.locator("#documentLast4")).hasValue("");
        desk.fill("#documentLast4", "3456");
        desk.click("#record-verification");
        assertThat(desk.locator(".notice")).hasText("The verification was recorded.");
        assertThat(desk.locator("#verified-state")).containsText("Verified in person recently");
        assertThat(desk.locator("table.verifications")).containsText("passport ending 3456");

        desk.fill("#email", "journey-" + System.nanoTime() + "@test.example");
        desk.click("#issue-access");
        assertThat(desk.locator("h1")).hasText("Your access to the patient image portal");
        String username = desk.locator("#slip-username").innerText().strip();
        String code = desk.locator("#slip-code").innerText().strip();
        assertThat(code).matches("[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");
        assertThat(desk.locator("#slip-expires")).containsText("UTC");

        // the patient, in their own browser: activation code, own password, authenticator
        Page home = browser.newPage();
        home.navigate(url("/patient/studies"));
        home.locator("#username").fill(username);
        home.locator("#password").fill(code);
        home.locator("#kc-login").click();
        String secret = null;
        List<String> asked = new ArrayList<>();
        for (int step = 0; step < 4 && !home.url().startsWith(url("/")); step++) {
            home.waitForLoadState();
            if (home.locator("#password-new").count() > 0) {
                asked.add("step-password");
                home.fill("#password-new", NEW_PASSWORD);
                home.fill("#password-confirm", NEW_PASSWORD);
                home.click("#kc-submit");
            } else if (home.locator("#mode-manual").count() > 0) {
                home.click("#mode-manual");
            } else if (home.locator("#kc-totp-secret-key").count() > 0) {
                asked.add("step-authenticator");
                secret = home.locator("#kc-totp-secret-key").innerText().replace(" ", "");
                home.fill("#totp", Totp.code(secret, Instant.now()));
                home.click("#saveTOTPBtn");
            }
        }
        assertThat(secret).as("the enrolment page showed the authenticator secret").isNotNull();
        // the slip tells the steps in the order Keycloak asks for them
        org.assertj.core.api.Assertions.assertThat(desk.locator("ol li[id^=step-]").all().stream()
                .map(li -> li.getAttribute("id")).toList()).isEqualTo(asked);
        home.waitForURL(url("/patient/studies"));
        assertThat(home.locator("h1")).hasText("My studies");
        assertThat(home.locator("tr.study")).hasCount(1);
        assertThat(home.locator("tr.study")).containsText("1 series, 2 images");
        assertThat(home.locator("tr.study td").first()).hasText("15 Jan 2026");

        Download download = home.waitForDownload(() -> home.click("a.download"));
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(download.path())))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        assertThat(entries).containsKeys("README.txt", "DICOMDIR", "PREVIEW/SE000001.png");
        assertThat(entries.get("DICOM/SE000001/IM000001")).isEqualTo(first.bytes());
        assertThat(entries.get("DICOM/SE000001/IM000002")).isEqualTo(second.bytes());

        // the activation code worked once: in a fresh browser it is refused
        Page again = browser.newPage();
        again.navigate(url("/patient/studies"));
        again.locator("#username").fill(username);
        again.locator("#password").fill(code);
        again.locator("#kc-login").click();
        assertThat(again.locator("body")).containsText("Invalid username or password");
        assertThat(again.url()).startsWith(TestRealm.keycloakUrl());
    }
}
