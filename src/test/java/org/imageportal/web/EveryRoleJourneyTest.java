package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.imageportal.demo.DemoSeedService;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.DemoCast;
import org.imageportal.support.PageSteps;
import org.imageportal.support.SmtpSink;
import org.imageportal.support.TestRealm;
import org.imageportal.support.WithSmtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Acceptance of the portal as each of its people meets it, from the seeded demonstration, in Chromium through the
 * pages only (the database and the mail sink are read to check outcomes, never to act): the physician with the
 * demo share, the recipient of the demo link, the patient with her three studies who shares, watches and revokes,
 * the front desk with a walk-in and the held outside CD, the privacy officer with the accounting request, the audit
 * trail, the retention schedule and an emergency opening; and the e-mails all this sends, which name nobody and no
 * study. The journeys follow each other as a day at the practice would: later ones find what earlier ones did.
 * Every portal page visited passes the accessibility checks.
 */
@QuarkusTest
@TestProfile(WithSmtp.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EveryRoleJourneyTest extends BrowserTest {

    private static final String PHYSICIAN_PRACTICE = "Demo Referring Clinic";
    private static final String LINK_RECIPIENT = "Second Opinion";
    /** What the demonstration's patient and studies are called: none of it may be in an e-mail. */
    private static final List<String> DEMO_HEALTH_DATA = List.of("Demo-Patient", "Alice", "DEMO-000042",
            "CT CHEST", "MR KNEE", "XR CHEST", "CT HEAD", "1980");

    @Inject
    DataSource db;

    @Inject
    DemoSeedService seeding;

    private SmtpSink sink;
    private final List<SmtpSink.Message> mails = new ArrayList<>();
    private DemoCast.People people;
    private DemoSeedService.Seeded demo;
    /** The physician's browser, signed in once and kept for the patient's journey. */
    private Page physician;
    private WalkIn walkIn;
    private TestRealm.User clinician;
    private String emergencyReason;

    /** The walk-in registered at the desk: who they are and what was uploaded for them. */
    private record WalkIn(String mrn, String given, String family, String email, String patientId,
            TestDicom recent, TestDicom old) {

        String shownName() {
            return given + " " + family;
        }
    }

    @BeforeAll
    void seedTheDemonstration() throws Exception {
        sink = SmtpSink.listen("smtp");
        Path dir = Files.createTempDirectory("demo-seed");
        people = DemoCast.people();
        demo = seeding.seed(people.cast(), dir.resolve("studies"), dir.resolve("demo-link.properties"));
    }

    @AfterAll
    void stopTheSink() {
        sink.close();
    }

    @Test
    @Order(1)
    void thePhysicianSeesTheDemoShareAndViewsIt() {
        physician = signedIn("/provider/shared", people.physician());
        Locator shared = physician.locator("tr.shared-study");
        assertThat(shared).hasCount(1);
        assertThat(shared).containsText("Alice Demo-Patient");
        assertThat(shared).containsText("15 Sep 2025");
        assertThat(shared).containsText("CT CHEST WITHOUT CONTRAST");

        shared.locator("a.view").click();
        assertThat(PageSteps.litViewerPixels(physician)).as("CT pixels drawn for the physician").isGreaterThan(1000);
        PageSteps.assertAccessible(physician);
    }

    @Test
    @Order(2)
    void theLinkRecipientGetsTheCodeWrongOnceThenSeesTheStudy() {
        Page recipient = browser.newCheckingPage(Browser.someClientAddress());
        recipient.navigate(demo.linkUrl());
        assertThat(recipient.locator("h1")).hasText("A study was shared with you");
        PageSteps.assertAccessible(recipient);

        String code = demo.accessCode();
        String wrong = (code.charAt(0) == '1' ? "2" : "1") + code.substring(1);
        recipient.fill("#name", LINK_RECIPIENT);
        recipient.fill("#code", wrong);
        recipient.click("#open");
        assertThat(recipient.locator("#code-message")).containsText("4 attempt");
        // only the code is asked for again
        assertThat(recipient.locator("#name")).hasValue(LINK_RECIPIENT);
        assertThat(recipient.locator("#code")).hasValue("");
        PageSteps.assertAccessible(recipient);

        recipient.fill("#code", code);
        recipient.click("#open");
        assertThat(recipient.locator("h1")).hasText("Shared study");
        assertThat(recipient.locator("#study")).containsText("24 Nov 2025");
        assertThat(recipient.locator("#study")).containsText("XR CHEST PA");
        assertThat(recipient.locator(".report-available")).isVisible();
        PageSteps.assertAccessible(recipient);

        recipient.click("#view");
        assertThat(PageSteps.litViewerPixels(recipient)).as("X-ray pixels drawn under the link").isGreaterThan(1000);
        PageSteps.assertAccessible(recipient);
    }

    @Test
    @Order(3)
    void thePatientViewsReadsSharesWatchesAndRevokes() throws Exception {
        Page home = signedIn("/patient/studies", people.patient());

        // her three studies, in words
        Locator studies = home.locator("tr.study");
        assertThat(studies).hasCount(3);
        Locator ct = study(home, "CT CHEST WITHOUT CONTRAST");
        assertThat(ct).containsText("15 Sep 2025");
        assertThat(ct).containsText("1 series, 6 images");
        assertThat(ct).containsText("CT scan · chest");
        Locator mr = study(home, "MR KNEE LEFT");
        assertThat(mr).containsText("20 Oct 2025");
        assertThat(mr).containsText("1 series, 5 images");
        assertThat(mr).containsText("MRI · knee");
        Locator xray = study(home, "XR CHEST PA");
        assertThat(xray).containsText("24 Nov 2025");
        assertThat(xray).containsText("2 series, 2 images");
        assertThat(xray).containsText("X-ray · chest");
        assertThat(xray.locator(".report-available")).isVisible();

        ct.locator("a.view").click();
        assertThat(PageSteps.litViewerPixels(home)).as("CT pixels drawn for the patient").isGreaterThan(1000);
        PageSteps.assertAccessible(home);

        // the radiologist's report of the X-ray, the PDF as it was written
        home.navigate(url("/patient/studies"));
        assertThat(reportText(home, study(home, "XR CHEST PA").locator("a.report").first()))
                .contains("Impression: No acute cardiopulmonary abnormality.");

        // she shares the knee MR with the demo physician, found by name
        String doctor = people.physician().displayName();
        home.navigate(url("/patient/sharing"));
        PageSteps.assertAccessible(home);
        assertThat(grant(home, "CT CHEST WITHOUT CONTRAST").locator(".state")).hasText("active");
        home.fill("#q", people.physician().lastName());
        home.click("#find-physician");
        home.getByLabel(doctor + ", " + PHYSICIAN_PRACTICE).check();
        home.selectOption("#studyId", home.locator("#studyId option", new Page.LocatorOptions().setHasText("KNEE"))
                .getAttribute("value"));
        home.selectOption("#purpose", "TREATMENT");
        PageSteps.assertAccessible(home);
        home.click("#share-study");
        assertThat(home.locator(".notice")).containsText("The study is shared");
        assertThat(grant(home, "MR KNEE LEFT").locator(".opens")).containsText("0");
        PageSteps.assertAccessible(home);

        // the physician opens it
        physician.navigate(url("/provider/shared"));
        Locator knee = physician.locator("tr.shared-study", new Page.LocatorOptions().setHasText("MR KNEE LEFT"));
        String view = knee.locator("a.view").getAttribute("href");
        knee.locator("a.view").click();
        assertThat(PageSteps.litViewerPixels(physician)).as("MR pixels drawn for the physician").isGreaterThan(1000);

        // she sees who opened what, and takes the access back
        home.reload();
        assertThat(home.locator("#notifications")).containsText(doctor + " opened your study of 20 Oct 2025, "
                + "MR KNEE LEFT");
        Locator row = grant(home, "MR KNEE LEFT");
        assertThat(row.locator(".opens")).containsText("last ");
        PageSteps.assertAccessible(home);
        row.locator("input[name=confirm]").check();
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(home.locator(".notice")).containsText("Access was taken back");
        assertThat(grant(home, "MR KNEE LEFT").locator(".state")).hasText("revoked");
        PageSteps.assertAccessible(home);

        // and the physician finds nothing there any more
        assertThat(physician.navigate(url(view)).status()).isEqualTo(404);
        PageSteps.assertAccessible(physician);
        physician.navigate(url("/provider/shared"));
        assertThat(physician.locator("tr.shared-study")).hasCount(1);
        PageSteps.assertAccessible(physician);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.share_grant g JOIN portal.study s "
                + "ON s.id = g.study_ref WHERE s.description = 'MR KNEE LEFT' AND g.revoked_at IS NOT NULL "
                + "AND g.patient_ref = ?::uuid", demo.patientId().toString())).isEqualTo("1");
    }

    @Test
    @Order(4)
    void theFrontDeskRegistersAWalkInGivesAccessUploadsAndReviewsTheHeldCd() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String family = "Walkin" + suffix;
        TestRealm.User clerk = people.frontDesk();
        Page desk = signedIn("/frontdesk/patients", clerk);

        // registered after the duplicate check
        desk.click("#register");
        PageSteps.assertAccessible(desk);
        String mrn = "W" + suffix;
        fillRegistration(desk, mrn, family);
        desk.click("#register-patient");
        assertThat(desk.locator(".notice")).containsText("The patient was registered");
        assertThat(desk.locator("h1")).hasText("Zoe " + family);
        assertThat(desk.locator("main")).containsText("born 14 Jun 1975 · female");
        String patientId = desk.url().replaceAll(".*/frontdesk/patients/([0-9a-f-]{36}).*", "$1");
        PageSteps.assertAccessible(desk);
        // the same person again under another MRN is held as possibly the same: nothing is registered
        desk.navigate(url("/frontdesk/patients/registration"));
        fillRegistration(desk, "X" + suffix, family);
        desk.click("#register-patient");
        assertThat(desk.locator(".duplicates.similar tr.patient")).hasCount(1);
        assertThat(desk.locator(".duplicates.similar")).containsText("Zoe " + family);
        assertThat(desk.locator("#familyName")).hasValue(family);
        PageSteps.assertAccessible(desk);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.patient WHERE patient_id = ?",
                "X" + suffix)).isEqualTo("0");

        // identity checked in person, then portal access; with mail configured the code goes by e-mail
        desk.navigate(url("/frontdesk/patients/" + patientId));
        desk.selectOption("#method", "GOVERNMENT_PHOTO_ID");
        desk.fill("#documentType", "passport");
        desk.fill("#documentLast4", "7731");
        desk.fill("#site", "Main reception");
        desk.click("#record-verification");
        assertThat(desk.locator(".notice")).hasText("The verification was recorded.");
        assertThat(desk.locator("#verified-state")).containsText("Verified in person recently");
        PageSteps.assertAccessible(desk);
        String email = "walkin-" + suffix.toLowerCase() + "@patients.example";
        desk.fill("#email", email);
        desk.click("#issue-access");
        assertThat(desk.locator("h1")).hasText("Your access to the patient image portal");
        String username = desk.locator("#slip-username").innerText().strip();
        assertThat(username).isNotBlank();
        assertThat(desk.locator("#slip-emailed")).hasText("sent by e-mail to " + email);
        PageSteps.assertAccessible(desk);
        SmtpSink.Message activation = mailTo(email, "Subject: Your access to the patient image portal");
        assertThat(activation.content()).contains(username)
                .containsPattern("Activation code: +[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}");

        // the CD they brought: this year's study and one from 2006, under the other hospital's MRN
        TestDicom.Patient onCd = new TestDicom.Patient("OUT-" + suffix, "ELSEWHERE", family + "^Zoe", "19750614");
        TestDicom recent = TestDicom.ct(onCd).seed(System.nanoTime());
        TestDicom old = TestDicom.ct(onCd).studyDate("20060301").seed(System.nanoTime());
        desk.navigate(url("/frontdesk/patients/" + patientId));
        desk.click("#upload-for-patient");
        assertThat(desk.locator("h1")).hasText("Upload for Zoe " + family);
        PageSteps.assertAccessible(desk);
        desk.setInputFiles("#files", new FilePayload[]{
                new FilePayload("IM000001", "application/dicom", recent.bytes()),
                new FilePayload("IM000002", "application/dicom", old.bytes())});
        desk.click("#start");
        assertThat(desk.locator("#status")).hasAttribute("data-finished", "true");
        assertThat(desk.locator("#status")).hasText("Finished: 2 stored, 0 held for review, 0 skipped, 0 failed.");
        PageSteps.assertAccessible(desk);
        for (TestDicom study : List.of(recent, old)) {
            assertThat(Dicomweb.queryString(db, "SELECT patient_ref::text FROM portal.study WHERE study_uid = ?",
                    study.studyUid())).isEqualTo(patientId);
        }
        walkIn = new WalkIn(mrn, "Zoe", family, email, patientId, recent, old);
        makesADeidentifiedCopy(desk, patientId, recent);

        // the demo's outside CD: the birth date has two digits swapped; the desk releases it to her
        desk.navigate(url("/frontdesk/quarantine"));
        Locator held = desk.locator("tr.held-group", new Page.LocatorOptions().setHasText("CT HEAD (OUTSIDE CD)"));
        assertThat(held).hasCount(1);
        assertThat(held.locator(".differences")).hasText("birth date: 21 Apr 1980 in the images, 12 Apr 1980 on "
                + "record");
        PageSteps.assertAccessible(desk);
        String series = held.locator("input[name=series]").first().inputValue();
        String before = desk.url();
        held.locator("button.release-group").click();
        assertThat(desk).hasURL(before);
        held.locator("form.release input[name=confirm]").check();
        held.locator("button.release-group").click();
        assertThat(desk.locator(".notice")).hasText("The images were released to the patient.");
        assertThat(desk.locator("tr.held-group", new Page.LocatorOptions().setHasText("CT HEAD (OUTSIDE CD)")))
                .hasCount(0);
        PageSteps.assertAccessible(desk);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.instance WHERE series_ref = ?::uuid "
                + "AND quarantine_reason IS NULL", series)).isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT s.patient_ref::text FROM portal.series r JOIN portal.study s "
                + "ON s.id = r.study_ref WHERE r.id = ?::uuid", series)).isEqualTo(demo.patientId().toString());
    }

    @Test
    @Order(5)
    void aClinicianOpensTheWalkInsStudyInAnEmergency() {
        clinician = TestRealm.createUser("break-glass");
        emergencyReason = "Unconscious on arrival, prior CT needed " + System.nanoTime();
        Page page = signedIn("/emergency", clinician);
        page.fill("#name", walkIn.family());
        page.fill("#birthDate", "1975-06-14");
        page.click("#find");
        Locator candidate = page.locator("tr.candidate", new Page.LocatorOptions().setHasText("15 Jan 2026"));
        assertThat(candidate).hasCount(1);
        assertThat(candidate.locator(".patient-name")).hasText(walkIn.shownName());
        PageSteps.assertAccessible(page);
        candidate.locator("textarea").fill(emergencyReason);
        candidate.locator("button.open-study").click();
        page.waitForURL(u -> u.endsWith("/view"));
        assertThat(page.locator(".notice")).containsText("Emergency access");
        assertThat(PageSteps.litViewerPixels(page)).as("CT pixels drawn in the emergency").isGreaterThan(1000);
        PageSteps.assertAccessible(page);
    }

    @Test
    @Order(6)
    void thePrivacyOfficerAnswersFindsPurgesAndReviews() throws Exception {
        Page officer = signedIn("/privacy/accounting", people.privacyOfficer());

        // the demo patient's request for an accounting, delivered once confirmed
        Locator request = officer.locator("tr.request", new Page.LocatorOptions().setHasText("DEMO-000042"));
        assertThat(request).hasCount(1);
        request.getByText("Deliver to the patient").click();
        assertThat(request).isVisible();
        request.locator("input.confirm-delivery").check();
        request.getByText("Deliver to the patient").click();
        assertThat(officer.locator(".notice")).containsText("delivered");
        assertThat(officer.locator("tr.request", new Page.LocatorOptions().setHasText("DEMO-000042"))).hasCount(0);
        PageSteps.assertAccessible(officer);
        assertThat(Dicomweb.queryString(db, "SELECT (delivered_at IS NOT NULL)::text FROM portal.accounting_request "
                + "WHERE id = ?::uuid", demo.accountingRequestId().toString())).isEqualTo("true");

        // what the desk did today, found by the clerk's name
        TestRealm.User clerk = people.frontDesk();
        officer.navigate(url("/privacy/audit"));
        officer.fill("#person", clerk.lastName().toLowerCase(java.util.Locale.ROOT));
        officer.click("#search-audit");
        Locator entries = officer.locator("table.audit tr.entry");
        for (String action : List.of("patient.registered", "account.issued", "quarantine.release")) {
            assertThat(entries.filter(new Locator.FilterOptions().setHasText(action)).first()).isVisible();
        }
        assertThat(entries.filter(new Locator.FilterOptions().setHasText("patient.registered")).first()
                .locator(".about")).containsText(walkIn.patientId());
        for (String who : officer.locator("table.audit .actor-name").allTextContents()) {
            assertThat(who).isEqualTo(clerk.displayName());
        }
        PageSteps.assertAccessible(officer);

        // the walk-in's study of 2006 is past the schedule: purged, once the box is ticked
        String oldStudy = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                walkIn.old().studyUid());
        officer.navigate(url("/privacy/retention"));
        Locator due = officer.locator("tr.due", new Page.LocatorOptions().setHasText(oldStudy));
        assertThat(due).containsText("1 Mar 2006");
        PageSteps.assertAccessible(officer);
        String before = officer.url();
        officer.click("#purge-now");
        assertThat(officer.url()).isEqualTo(before);
        officer.check("#confirm-purge");
        officer.click("#purge-now");
        assertThat(officer.locator(".notice")).containsText("were purged");
        assertThat(officer.locator("tr.due", new Page.LocatorOptions().setHasText(oldStudy))).hasCount(0);
        PageSteps.assertAccessible(officer);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.study WHERE id = ?::uuid", oldStudy))
                .isEqualTo("0");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.study_tombstone WHERE study_id = "
                + "?::uuid", oldStudy)).isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.study WHERE study_uid = ?",
                walkIn.recent().studyUid())).isEqualTo("1");

        // the emergency opening, reviewed
        officer.navigate(url("/privacy/break-glass"));
        Locator opening = officer.locator("tr.opening", new Page.LocatorOptions().setHasText(emergencyReason));
        assertThat(opening).containsText(clinician.displayName());
        PageSteps.assertAccessible(officer);
        opening.locator("input[value=JUSTIFIED]").check();
        opening.locator("textarea").fill("The admission at that time is in the emergency department's log");
        opening.getByText("Record the finding").click();
        assertThat(officer.locator(".notice")).containsText("The finding was recorded");
        assertThat(officer.locator("tr.opening", new Page.LocatorOptions().setHasText(emergencyReason))).hasCount(0);
        PageSteps.assertAccessible(officer);
        assertThat(Dicomweb.queryString(db, "SELECT review FROM portal.break_glass WHERE actor = ?",
                clinician.id())).isEqualTo("JUSTIFIED");
    }

    @Test
    @Order(7)
    void theMailsTellWhatHappenedAndNameNobody() throws Exception {
        String patient = people.patient().username() + "@test.example";
        mailTo(walkIn.email(), "Subject: New images in your patient image portal");
        mailTo(patient, "Subject: A study you shared was opened");
        mailTo(patient, "Subject: Your accounting of disclosures is ready");
        List<String> walkInData = List.of(walkIn.family(), walkIn.mrn(), "OUT-" + walkIn.mrn().substring(1),
                "CT CHEST", "1975");
        for (SmtpSink.Message mail : mails) {
            String text = mail.content().replace("=\r\n", "");
            for (String health : DEMO_HEALTH_DATA) {
                assertThat(text).as("mail to " + mail.recipients()).doesNotContain(health);
            }
            for (String health : walkInData) {
                assertThat(text).as("mail to " + mail.recipients()).doesNotContain(health);
            }
        }
    }

    /**
     * From the walk-in's page, the desk makes a de-identified copy of the recent study for a teaching file: the copy
     * is stored under a pseudonym, and the page says what was copied.
     */
    private void makesADeidentifiedCopy(Page desk, String patientId, TestDicom recent) throws Exception {
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                recent.studyUid());
        desk.navigate(url("/frontdesk/patients/" + patientId));
        desk.locator("a.deid-copy[href='/frontdesk/deid?study=" + studyId + "']").click();
        desk.waitForURL(url("/frontdesk/deid?study=" + studyId));
        PageSteps.assertAccessible(desk);
        String project = "Teaching file " + UUID.randomUUID().toString().substring(0, 6);
        desk.fill("#project", project);
        desk.click("#make-copy");
        assertThat(desk.locator("#copied")).hasText("1 image was copied for " + project + "; none was left out.");
        PageSteps.assertAccessible(desk);
        String pseudonym = desk.locator("#pseudonym").innerText().strip();
        org.assertj.core.api.Assertions.assertThat(pseudonym).startsWith("ANON-");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.deid_copy c JOIN portal.study s ON s.id = c.copy_study JOIN portal.patient p "
                + "ON p.id = s.patient_ref WHERE c.source_study = ?::uuid AND p.patient_id LIKE 'ANON-%'", studyId))
                .isEqualTo("1");
    }

    /** A fresh browser in which {@code user} asked for {@code path}, signed in and got there. */
    private Page signedIn(String path, TestRealm.User user) {
        Page page = browser.newCheckingPage();
        page.navigate(url(path));
        PageSteps.signIn(page, user);
        page.waitForURL(url(path));
        PageSteps.assertAccessible(page);
        return page;
    }

    private static Locator study(Page home, String description) {
        return home.locator("tr.study", new Page.LocatorOptions().setHasText(description));
    }

    private static Locator grant(Page home, String description) {
        return home.locator("tr.grant", new Page.LocatorOptions().setHasText(description));
    }

    private static void fillRegistration(Page desk, String mrn, String family) {
        desk.fill("#mrn", mrn);
        desk.fill("#givenName", "Zoe");
        desk.fill("#familyName", family);
        desk.fill("#birthDate", "1975-06-14");
        desk.selectOption("#sex", "F");
    }

    /**
     * Opens a report link that answers with a PDF and reads the document's text. What Chromium hands to its PDF
     * viewer is not the file, so the file is read again with the browser's own cookies.
     */
    private static String reportText(Page page, Locator link) throws Exception {
        var response = page.waitForResponse(r -> r.url().contains("/reports/"), link::click);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headerValue("content-type")).startsWith("application/pdf");
        assertThat(response.headerValue("content-disposition")).startsWith("inline").doesNotContain("Demo");
        try (PDDocument document = Loader.loadPDF(page.context().request().get(response.url()).body())) {
            return new PDFTextStripper().getText(document);
        }
    }

    /** The next e-mail to {@code address} with this header line, from what has come or comes within 20 s. */
    private SmtpSink.Message mailTo(String address, String header) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (SmtpSink.Message m : mails) {
                if (m.recipients().contains(address) && m.content().contains(header)) {
                    return m;
                }
            }
            long left = (until - System.nanoTime()) / 1_000_000_000;
            if (left <= 0) {
                throw new AssertionError("no e-mail to " + address + " with " + header + "; received: "
                        + mails.stream().map(m -> m.recipients().toString()).toList());
            }
            SmtpSink.Message next = sink.next(Math.min(left, 2));
            if (next != null) {
                mails.add(next);
            }
        }
    }
}
