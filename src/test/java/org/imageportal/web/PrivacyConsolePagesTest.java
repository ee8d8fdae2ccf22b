package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The accounting of disclosures end to end in the browser: a patient asks for one; the privacy officer records a
 * disclosure made under a subpoena, sees the request with its due date and delivers it; the patient reads the
 * accounting; the officer finds the patient's entries in the audit trail and verifies the chain. The audit trail
 * names people, finds them by name or role, and says what happened in words.
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

    @Test
    void theAuditTrailNamesPeopleFindsThemByNameOrRoleAndSpeaksInWords() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6301);
        given().auth().oauth2(p.ownerToken()).get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then()
                .statusCode(200);
        ShareLinks.Issued link = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of());
        ShareLinks.openSession(link);
        TestRealm.User desk = TestRealm.createUser("frontdesk");
        given().auth().oauth2(TestRealm.mfaToken(desk)).queryParam("mrn", p.patient().id()).get("/api/patients")
                .then().statusCode(200);

        Page officer = browser.newPage();
        officer.setViewportSize(390, 844);
        officer.navigate(url("/privacy/audit"));
        Browser.signIn(officer, TestRealm.createUser("privacy-officer"));
        officer.waitForURL(url("/privacy/audit"));

        // the patient's entries: who by name, the action in words, the details as named values
        officer.fill("#mrn", p.patient().id());
        officer.click("#search-audit");
        Locator entries = officer.locator("table.audit tr.entry");
        Locator retrieve = entries.filter(new Locator.FilterOptions().setHasText("study.retrieve"));
        assertThat(retrieve.first().locator(".actor-name")).hasText(p.patient().shownName());
        assertThat(retrieve.first().locator(".username")).hasText(p.owner().username());
        assertThat(retrieve.first().locator(".role")).hasText("patient");
        assertThat(retrieve.first().locator(".action-words")).hasText("Viewed or retrieved a study");
        assertThat(retrieve.first().locator(".outcome")).hasText("Done");
        assertThat(retrieve.first().locator(".about")).hasText("Study " + p.studyId());
        Locator opened = entries.filter(new Locator.FilterOptions().setHasText("link.opened"));
        assertThat(opened.first().locator(".actor-name")).hasText("Share link to Dr Amara Okafor");
        assertThat(opened.first().locator(".action-words")).hasText("Opened a share link");
        Locator issued = entries.filter(new Locator.FilterOptions().setHasText("link.issued"));
        assertThat(issued.first().locator("td.details")).containsText("Download allowed");
        assertThat(issued.first().locator("td.details dt", new Locator.LocatorOptions().setHasText("Download allowed"))
                .locator("xpath=following-sibling::dd[1]")).hasText("no");
        for (String cell : officer.locator("table.audit td.details").allTextContents()) {
            org.assertj.core.api.Assertions.assertThat(cell).doesNotContain("{", "\"");
        }
        for (String who : officer.locator("table.audit .actor-name").allTextContents()) {
            org.assertj.core.api.Assertions.assertThat(who).isNotEqualTo(p.owner().id());
        }
        // a card on a phone, not a table wider than the screen
        org.assertj.core.api.Assertions.assertThat(((Number) officer.evaluate(
                "() => document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);

        // by part of a staff member's name, in lower case: only what that person did
        officer.fill("#mrn", "");
        officer.fill("#person", desk.lastName().toLowerCase(java.util.Locale.ROOT));
        officer.click("#search-audit");
        Locator search = entries.filter(new Locator.FilterOptions().setHasText("patient.search"));
        assertThat(search).hasCount(1);
        for (String who : officer.locator("table.audit .actor-name").allTextContents()) {
            org.assertj.core.api.Assertions.assertThat(who).isEqualTo(desk.firstName() + " " + desk.lastName());
        }
        assertThat(search.locator(".username")).hasText(desk.username());
        assertThat(search.locator(".role")).hasText("frontdesk");
        assertThat(search.locator(".action-words")).hasText("Searched for patients");
        assertThat(search.locator("td.details")).containsText("Searched by");
        assertThat(search.locator("td.details")).containsText("patient ID");
        assertThat(search.locator("td.details")).not().containsText(p.patient().id());

        // by the patient's name in the other order, with accents and capitals the record does not have
        String given = p.patient().name().split("\\^")[1];
        officer.fill("#person", "TESTPATIÉNT " + given.replace("Ann", "Ànn"));
        officer.click("#search-audit");
        assertThat(entries.filter(new Locator.FilterOptions().setHasText("study.retrieve"))).hasCount(1);
        for (String who : officer.locator("table.audit .actor-name").allTextContents()) {
            org.assertj.core.api.Assertions.assertThat(who).isEqualTo(p.patient().shownName());
        }

        // by role: the front desk's patient searches since yesterday, nobody else's
        officer.fill("#person", "");
        officer.fill("#mrn", "");
        officer.selectOption("#role", "frontdesk");
        officer.fill("#action", "patient.search");
        officer.fill("#from", LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
        officer.click("#search-audit");
        assertThat(entries.filter(new Locator.FilterOptions().setHasText(desk.username()))).hasCount(1);
        for (String role : officer.locator("table.audit .role").allTextContents()) {
            org.assertj.core.api.Assertions.assertThat(role).contains("frontdesk");
        }
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT detail->>'criteria' FROM "
                + "portal.audit_event WHERE action = 'audit.search' AND detail->>'criteria' LIKE ? ORDER BY id DESC "
                + "LIMIT 1", "%actors%")).isEqualTo("actors,from,action");

        // the standard export, from the page
        officer.selectOption("#role", "");
        officer.fill("#action", "");
        officer.fill("#from", "");
        officer.fill("#mrn", p.patient().id());
        officer.click("#search-audit");
        Download fhir = officer.waitForDownload(() -> officer.click("#export-fhir"));
        org.assertj.core.api.Assertions.assertThat(fhir.suggestedFilename()).startsWith("audit-trail-after-")
                .endsWith(".json");
        String bundle = java.nio.file.Files.readString(fhir.path());
        org.assertj.core.api.Assertions.assertThat(bundle).contains("\"resourceType\":\"Bundle\"")
                .contains("AuditEvent");
        Download dicom = officer.waitForDownload(() -> officer.click("#export-dicom"));
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(dicom.path()))
                .contains("<AuditMessage");
    }
}
