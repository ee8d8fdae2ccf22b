package org.imageportal.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Every page of every role, on a phone's screen (390 px wide) in Chromium: axe-core finds no serious or critical
 * WCAG 2.2 A/AA violation, and no page is wider than the screen. The pages hold data (a patient with a study, a grant
 * and a link), so tables, forms and lists are checked filled, not only empty.
 */
@QuarkusTest
class AccessibleOnAPhoneTest extends BrowserTest {

    @Inject
    DataSource db;

    private final List<String> problems = new ArrayList<>();

    private void check(Page page, String path) {
        com.microsoft.playwright.Response answer = page.navigate(url(path));
        if (answer.status() != 200) {
            problems.add(path + ": answered " + answer.status() + " instead of the page");
        }
        page.waitForLoadState();
        for (String problem : Browser.accessibilityProblems(page)) {
            problems.add(path + ": " + problem);
        }
    }

    /** Signs the user in on the first page, then checks each page in turn. */
    private void pagesOf(TestRealm.User user, String... paths) {
        Page page = browser.newCheckingPage();
        page.navigate(url(paths[0]));
        Browser.signIn(page, user);
        page.waitForURL(url(paths[0]));
        for (String path : paths) {
            check(page, path);
        }
        page.context().close();
    }

    /** The page after a de-identified copy, with the form's errors first (a name of spaces only). */
    private void deidentifiedCopyMade(String study) {
        String path = "/frontdesk/deid?study=" + study;
        Page page = browser.newCheckingPage();
        page.navigate(url(path));
        Browser.signIn(page, TestRealm.createUser("frontdesk"));
        page.waitForURL(url(path));
        page.fill("#project", "   ");
        page.click("#make-copy");
        page.waitForLoadState();
        for (String problem : Browser.accessibilityProblems(page)) {
            problems.add("POST /frontdesk/deid (errors): " + problem);
        }
        page.fill("#project", "Phone check");
        page.click("#make-copy");
        page.waitForSelector("#copied");
        for (String problem : Browser.accessibilityProblems(page)) {
            problems.add("POST /frontdesk/deid (copy made): " + problem);
        }
        page.context().close();
    }

    @Test
    void everyPageOfEveryRoleOnAPhone() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 4711);
        long tokenAt = System.currentTimeMillis();
        TestRealm.User doctor = TestRealm.createUser("provider");
        String provider = Physicians.register(db, doctor, "Dr Noor " + UUID.randomUUID().toString().substring(0, 6),
                "Harbour Clinic");
        given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("studyId", p.studyId(), "providerId", provider, "purpose", "TREATMENT"))
                .post("/api/sharing/grants").then().statusCode(201);
        ShareLinks.Issued link = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of());
        // an image held for review and an accounting request, so that the desk's and the officer's lists are filled
        Dicomweb.stow(TestRealm.ingestToken(), java.util.List.of(org.imageportal.dicom.TestDicom
                .ct(p.patient().withBirthDate("19770707")).study(p.study().studyUid())
                .series(org.imageportal.dicom.TestDicom.newUid()).seed(4712).bytes())).then().statusCode(202);
        String accounting = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/requests").then().statusCode(201).extract().path("id");
        // a link opened, so that the patient has a notification on the home page
        ShareLinks.openSession(ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of()));
        String registry = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                p.patient().id());
        String study = p.studyId();

        pagesOf(doctor, "/provider/shared", "/provider", "/provider/shared/" + study + "/view");
        pagesOf(TestRealm.createUser("frontdesk"), "/frontdesk", "/frontdesk/patients",
                "/frontdesk/patients?q=" + p.patient().id(), "/frontdesk/patients/registration",
                "/frontdesk/patients/" + registry, "/frontdesk/quarantine", "/frontdesk/requests",
                "/frontdesk/sharing/" + registry + "/grant", "/frontdesk/sharing/" + registry + "/link",
                "/frontdesk/upload", "/frontdesk/upload/" + registry, "/frontdesk/deid",
                "/frontdesk/deid?patient=" + registry,
                "/frontdesk/deid?study=" + study);
        deidentifiedCopyMade(study);
        pagesOf(TestRealm.createUser("privacy-officer"), "/privacy", "/privacy/accounting", "/privacy/audit",
                "/privacy/audit?action=audit", "/privacy/audit?action=audit&before=1000000000",
                "/privacy/accounting/" + accounting + "/access", "/privacy/break-glass", "/privacy/retention");
        pagesOf(TestRealm.createUser("admin"), "/admin", "/admin/providers", "/admin/dimse/peers");
        pagesOf(TestRealm.createUser("break-glass"), "/emergency");
        // the patient's code of the token above is spent: sign in to the pages with the next one
        long window = tokenAt / 30_000 + 1;
        Thread.sleep(Math.max(0, window * 30_000 - System.currentTimeMillis() + 500));
        pagesOf(p.owner(), "/patient/studies", "/home", "/patient/sharing", "/patient/accounting",
                "/patient/requests", "/patient/studies/" + study + "/view");

        Page recipient = browser.newCheckingPage();
        String landing = link.url().replaceFirst("^https?://[^/]+", "");
        check(recipient, landing);
        recipient.fill("#name", "Amara Okafor");
        recipient.fill("#code", link.code());
        recipient.click("#open");
        recipient.waitForLoadState();
        for (String problem : Browser.accessibilityProblems(recipient)) {
            problems.add(landing + " (opened): " + problem);
        }
        check(recipient, "/signed-out");
        check(recipient, "/signin-problem");

        assertThat(problems).as("serious or critical accessibility problems, and pages wider than a phone").isEmpty();
    }
}
