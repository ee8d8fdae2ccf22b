package org.imageportal.reports;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.imageportal.dicom.ReportFiles;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.imageportal.support.Totp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * A study with its radiology reports as a reporting system sends them (a comprehensive SR from dcmtk's xml2dsr, a
 * PDF from its pdf2dcm): the patient, a physician with a grant and a link's recipient read them from their study
 * pages, the SR as text, the PDF as itself; nobody else reaches them; every read by a recipient outside the practice
 * is disclosed with "report included".
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudyReportTest extends BrowserTest {

    private static final String FINDING = "Small nodule <script>alert(1)</script> in the right upper lobe.";
    private static final String CONCLUSION = "Follow-up CT in 12 months.";
    private static final String PDF_LINE = "Impression: no acute abnormality.";

    @Inject
    DataSource db;

    final TestDicom.Patient patient = TestDicom.Patient.random();
    TestRealm.User owner;
    String ownerToken;
    String studyId;
    Map<String, String> ownerPages;

    @BeforeAll
    void users() {
        owner = TestRealm.createUser("patient");
        ownerToken = TestRealm.mfaToken(owner);
        ownerPages = pageSession(owner);
    }

    /** The cookies of a page session, signed in through Keycloak in Chromium (the next window's code). */
    private Map<String, String> pageSession(TestRealm.User user) {
        com.microsoft.playwright.Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.enterPassword(page, user);
        Browser.enterCode(page, Totp.code(user.totpSecret(), java.time.Instant.now().plusSeconds(30)));
        page.waitForURL(u -> u.startsWith(url("/")));
        Map<String, String> cookies = new java.util.LinkedHashMap<>();
        for (com.microsoft.playwright.options.Cookie cookie : page.context().cookies()) {
            if (url("/").contains(cookie.domain)) {
                cookies.put(cookie.name, cookie.value);
            }
        }
        page.context().close();
        return cookies;
    }

    @BeforeEach
    void storeStudy() throws Exception {
        if (studyId != null) {
            return;
        }
        TestDicom first = TestDicom.ct(patient).seriesNumber(1).number(1).size(16);
        TestDicom second = TestDicom.ct(patient).study(first.studyUid()).series(first.seriesUid())
                .accession(first.accessionNumber()).seriesNumber(1).number(2).size(16).seed(2);
        List<byte[]> parts = new ArrayList<>(List.of(first.bytes(), second.bytes()));
        parts.add(ReportFiles.sr(ReportFiles.SrKind.COMPREHENSIVE, patient, second, TestDicom.newUid(),
                TestDicom.newUid(), FINDING, CONCLUSION));
        parts.add(ReportFiles.pdf(patient, second, TestDicom.newUid(), TestDicom.newUid(), List.of(PDF_LINE)));
        Dicomweb.stow(TestRealm.ingestToken(), parts).then().statusCode(200);
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", first.studyUid());
    }

    @Test
    void thePatientReadsTheStructuredReportAsText() {
        String list = given().cookies(ownerPages).get("/patient/studies").then().statusCode(200).extract()
                .asString();
        assertThat(list).contains("Report available").contains("/patient/studies/" + studyId + "/reports/1")
                .contains("/patient/studies/" + studyId + "/reports/2");
        Response page = given().cookies(ownerPages).get("/patient/studies/" + studyId + "/reports/1");
        page.then().statusCode(200).contentType(ContentType.HTML).header("Cache-Control", "no-store");
        String html = page.asString();
        assertStructuredReport(html);
        assertThat(html).contains("/patient/studies");
    }

    @Test
    void thePatientGetsThePdfAsItself() throws Exception {
        Response pdf = given().cookies(ownerPages).get("/patient/studies/" + studyId + "/reports/2");
        assertPdf(pdf);
    }

    @Test
    void nobodyElseReachesTheReports() {
        Map<String, String> other = pageSession(TestRealm.createUser("patient"));
        for (String n : List.of("1", "2")) {
            given().cookies(other).get("/patient/studies/" + studyId + "/reports/" + n).then().statusCode(404);
        }
        given().cookies(ownerPages).get("/patient/studies/" + studyId + "/reports/3").then().statusCode(404);
        given().cookies(ownerPages).get("/patient/studies/" + studyId + "/reports/0").then().statusCode(404);
        given().cookies(ownerPages).get("/patient/studies/" + studyId + "/reports/x").then().statusCode(404);
        given().cookies(ownerPages).get("/patient/studies/" + java.util.UUID.randomUUID() + "/reports/1")
                .then().statusCode(404);
        Map<String, String> physician = pageSession(TestRealm.createUser("provider"));
        given().cookies(physician).get("/provider/shared/" + studyId + "/reports/1").then().statusCode(404);
    }

    @Test
    void aPhysicianWithAGrantReadsTheReportsAndTheReadIsDisclosed() throws Exception {
        TestRealm.User user = TestRealm.createUser("provider");
        String providerId = Physicians.register(db, user, "Dr " + user.username(), "Report Clinic");
        Map<String, String> physician = pageSession(user);
        given().auth().oauth2(ownerToken).contentType(ContentType.JSON)
                .body(Map.of("studyId", studyId, "providerId", providerId, "purpose", "TREATMENT", "download", false))
                .post("/api/sharing/grants").then().statusCode(201);
        String shared = given().cookies(physician).get("/provider/shared").then().statusCode(200).extract()
                .asString();
        assertThat(shared).contains("Report available").contains("/provider/shared/" + studyId + "/reports/1");
        String html = given().cookies(physician).get("/provider/shared/" + studyId + "/reports/1").then()
                .statusCode(200).extract().asString();
        assertStructuredReport(html);
        assertPdf(given().cookies(physician).get("/provider/shared/" + studyId + "/reports/2"));
        assertThat(reportIncluded("PROVIDER", providerId)).hasSize(2).containsOnly(true);
    }

    @Test
    void aLinkRecipientReadsTheReportsUntilTheLinkIsRevoked() throws Exception {
        ShareLinks.Issued link = ShareLinks.issue(ownerToken, studyId, Map.of("download", true));
        String session = ShareLinks.openSession(link);
        String summary = given().cookie("portal_link", session).get(link.path() + "/study").then().statusCode(200)
                .extract().asString();
        assertThat(summary).contains("Report available").contains(link.path() + "/reports/1");
        String html = given().cookie("portal_link", session).get(link.path() + "/reports/1").then().statusCode(200)
                .extract().asString();
        assertStructuredReport(html);
        assertPdf(given().cookie("portal_link", session).get(link.path() + "/reports/2"));
        // the ZIP holds the reports too, and its disclosure says so
        given().cookie("portal_link", session).get(link.path() + "/download").then().statusCode(200);
        assertThat(reportIncluded("LINK", link.id())).hasSize(3).containsOnly(true);
        given().redirects().follow(false).get(link.path() + "/reports/1").then().statusCode(303);
        given().auth().oauth2(ownerToken).contentType(ContentType.JSON)
                .post("/api/sharing/links/" + link.id() + "/revocation").then().statusCode(200);
        given().cookie("portal_link", session).get(link.path() + "/reports/1").then().statusCode(404);
        given().cookie("portal_link", session).get(link.path() + "/reports/2").then().statusCode(404);
    }

    private static void assertStructuredReport(String html) {
        assertThat(html).contains("Diagnostic Imaging Report").contains("Findings").contains("Conclusions")
                .contains("Small nodule &lt;script&gt;alert(1)&lt;/script&gt; in the right upper lobe.")
                .doesNotContain("<script>alert").contains(CONCLUSION).contains("4.5 mm")
                .contains("Upper lobe of right lung").contains("Finding site").contains("10 Jan 2026")
                .contains("09:30").contains("Rita Reader").contains("Complete, verified")
                .contains("image 2 of 2 in series 1");
    }

    private static void assertPdf(Response pdf) throws Exception {
        pdf.then().statusCode(200).contentType("application/pdf").header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "inline; filename=\"report-2.pdf\"")
                .header("Cache-Control", "no-store");
        assertThat(pdf.header("Content-Security-Policy")).startsWith("default-src 'none'")
                .doesNotContain("script-src");
        byte[] body = pdf.asByteArray();
        assertThat(new String(body, 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        try (var doc = Loader.loadPDF(body)) {
            assertThat(new PDFTextStripper().getText(doc)).contains(PDF_LINE);
        }
    }

    /** The reportIncluded flag of each disclosure of the study to the recipient, oldest first. */
    private List<Boolean> reportIncluded(String kind, String recipient) throws Exception {
        List<Boolean> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT (description->>'reportIncluded')::boolean "
                        + "FROM portal.disclosure WHERE study_ref = ?::uuid AND recipient_kind = ? AND "
                        + "recipient_ref = ? ORDER BY id")) {
            s.setString(1, studyId);
            s.setString(2, kind);
            s.setString(3, recipient);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getBoolean(1));
                }
            }
        }
        return out;
    }
}
