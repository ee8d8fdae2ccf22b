package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The accounting of disclosures end to end in the browser: a patient asks for one; the privacy officer records a
 * disclosure made under a subpoena, sees the request with its due date and delivers it; the patient reads the
 * accounting; the officer finds the patient's entries in the audit trail and verifies the chain.
 */
@QuarkusTest
class PrivacyConsolePagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aPatientAsksThePrivacyOfficerDeliversAndTheAuditTrailShowsIt() throws Exception {
        TestDicom.Patient registered = TestDicom.Patient.random();
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(registered).bytes())).then().statusCode(200);
        TestRealm.User patient = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, registered.id(), patient.id());

        Page home = browser.newPage();
        home.navigate(url("/patient/accounting"));
        Browser.signIn(home, patient);
        home.waitForURL(url("/patient/accounting"));
        home.fill("#from", LocalDate.now(ZoneOffset.UTC).minusYears(7).toString());
        home.click("#request-accounting");
        assertThat(home.locator(".errors")).containsText("six years");
        home.fill("#from", "");
        home.click("#request-accounting");
        assertThat(home.locator(".notice")).containsText("Your request was received");
        assertThat(home.locator("table.requests .status")).hasText("received");
        assertThat(home.locator("table.requests")).containsText("not yet delivered");

        Page officer = browser.newPage();
        officer.navigate(url("/privacy/accounting"));
        Browser.signIn(officer, TestRealm.createUser("privacy-officer"));
        officer.waitForURL(url("/privacy/accounting"));
        officer.fill("#d-mrn", registered.id());
        officer.fill("#d-date", LocalDate.now(ZoneOffset.UTC).toString());
        officer.fill("#d-name", "Clerk of the Superior Court");
        officer.fill("#d-description", "CT study on CD");
        // blank to the server (the browser's own check lets spaces through)
        officer.fill("#d-purpose", "   ");
        officer.click("#record-disclosure");
        assertThat(officer.locator(".errors")).containsText("state the purpose");
        officer.fill("#d-mrn", registered.id());
        officer.fill("#d-date", LocalDate.now(ZoneOffset.UTC).toString());
        officer.fill("#d-name", "Clerk of the Superior Court");
        officer.fill("#d-description", "CT study on CD");
        officer.fill("#d-purpose", "Subpoena, case 26-CV-0999");
        officer.click("#record-disclosure");
        assertThat(officer.locator(".notice")).containsText("The disclosure was recorded");

        Locator row = officer.locator("tr.request", new Page.LocatorOptions().setHasText(registered.id()));
        assertThat(row).containsText(Readable.date(LocalDate.now(ZoneOffset.UTC).plusDays(60)));
        assertThat(row).containsText("free of charge");
        // a delivery cannot be taken back: without the box ticked, neither the browser nor the portal delivers
        String requestId = row.locator("form.decision").getAttribute("action").replaceAll(".*/accounting/([^/]+)/.*",
                "$1");
        org.imageportal.support.PageSession.of(officer, url("/")).form()
                .post("/privacy/accounting/" + requestId + "/delivery").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("tick the box to confirm"));
        row.getByText("Deliver to the patient").click();
        assertThat(row).isVisible();
        row.locator("input.confirm-delivery").check();
        row.getByText("Deliver to the patient").click();
        assertThat(officer.locator(".notice")).containsText("delivered");
        assertThat(officer.locator("tr.request", new Page.LocatorOptions().setHasText(registered.id())))
                .hasCount(0);

        home.reload();
        assertThat(home.locator("table.requests .status")).hasText("delivered");
        home.locator("a[href$='/accounting']").click();
        assertThat(home.locator("table.report")).containsText("Clerk of the Superior Court");
        assertThat(home.locator("table.report")).containsText("26-CV-0999");
        home.goBack();
        Download pdf = home.waitForDownload(() -> home.locator("a[href$='/accounting?format=pdf']").click());
        org.assertj.core.api.Assertions.assertThat(pdf.suggestedFilename()).startsWith("accounting-of-disclosures-")
                .endsWith(".pdf").doesNotContain(registered.id());

        officer.navigate(url("/privacy/audit?mrn=" + registered.id()));
        assertThat(officer.locator("table.audit")).containsText("disclosure.recorded");
        assertThat(officer.locator("table.audit")).containsText("accounting.requested");
        assertThat(officer.locator("table.audit")).containsText("accounting.report-read");
        officer.click("#verify-chain");
        assertThat(officer.locator("#verification")).containsText("The audit trail is intact");
    }
}
