package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.ReportFiles;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.RequestOptions;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The viewer's reports, its header under a share link and its measurements, in real Chromium: a study of CT images
 * with a structured report and a PDF report (made by dcmtk) shows the images in the viewport and the reports as
 * links to their pages, for the patient and for a link's recipient (whose links stay under the link); the recipient
 * gets home and sign-out, and after signing out even a copy of the session cookie is refused; a length drawn on
 * the image gets its label under the portal's CSP without a refusal.
 */
@QuarkusTest
class ViewerToolsTest extends BrowserTest {

    @Inject
    DataSource db;

    /** A study of three CT images, a structured report and a PDF, stored for a patient with an account. */
    private record Study(TestDicom.Patient registered, String studyUid, String studyId, String ctSeries,
            String srSeries, String pdfSeries, TestRealm.User patient) {
    }

    private Study study() throws Exception {
        TestDicom.Patient registered = TestDicom.Patient.random();
        String studyUid = TestDicom.newUid();
        String ctSeries = TestDicom.newUid();
        List<byte[]> files = new ArrayList<>();
        TestDicom first = null;
        for (int i = 1; i <= 3; i++) {
            TestDicom ct = TestDicom.ct(registered).study(studyUid).series(ctSeries).number(i).seed(400 + i).size(128);
            first = first == null ? ct : first;
            files.add(ct.bytes());
        }
        String srSeries = TestDicom.newUid();
        String pdfSeries = TestDicom.newUid();
        files.add(described(ReportFiles.sr(ReportFiles.SrKind.ENHANCED, registered, first, srSeries,
                TestDicom.newUid(), "No nodule", "Normal chest"), "Chest CT findings"));
        files.add(described(ReportFiles.pdf(registered, first, pdfSeries, TestDicom.newUid(),
                List.of("Findings: none.")), "Radiology letter"));
        Dicomweb.stow(TestRealm.ingestToken(), files).then().statusCode(200);
        TestRealm.User patient = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, registered.id(), patient.id());
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", studyUid);
        return new Study(registered, studyUid, studyId, ctSeries, srSeries, pdfSeries, patient);
    }

    /** The file with its series described as a reporting system would (dcmtk's dcmodify). */
    private static byte[] described(byte[] file, String description) throws Exception {
        Path work = Files.createTempDirectory("described");
        Path dcm = work.resolve("report.dcm");
        Files.write(dcm, file);
        Process p = new ProcessBuilder("dcmodify", "-nb", "-i", "(0008,103e)=" + description, dcm.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("dcmodify: " + log).isZero();
        return Files.readAllBytes(dcm);
    }

    /** What the browser asked for and what the page's policy refused. */
    private record Watched(List<String> requests, List<String> refused) {
    }

    private static Watched watch(Page page) {
        Watched watched = new Watched(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        page.onRequest(r -> watched.requests().add(r.url()));
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                watched.refused().add(m.text());
            }
        });
        return watched;
    }

    /** The images are in the viewport, the reports only in the list, and nothing of the reports was fetched. */
    private static void reportsListedNotDrawn(Page page, Study s, Watched watched) {
        assertThat(page.locator(".viewer-series-item")).hasCount(1);
        Browser.waitUntil(page, "() => Number(document.getElementById('viewer-canvas').dataset.rendered || 0) > 0");
        assertThat(page.locator("[data-viewport='0']")).hasAttribute("data-series-number", "1");
        assertThat(page.locator("#viewer-reports")).isVisible();
        assertThat(page.locator("#viewer-report-list li")).hasCount(2);
        assertThat(page.locator("#viewer-report-list li[data-series='" + s.srSeries() + "']"))
                .hasText("Report: Chest CT findings");
        assertThat(page.locator("#viewer-report-list li[data-series='" + s.pdfSeries() + "']"))
                .hasText("Report: Radiology letter (PDF)");
        // every viewport of the largest layout shows images, never a report
        page.selectOption("#viewer-layout", "2x2");
        Browser.waitUntil(page, "() => [...document.querySelectorAll('.viewer-viewport')].length === 4"
                + " && [...document.querySelectorAll('.viewer-viewport')].every(v => v.dataset.seriesNumber === '1')");
        page.selectOption("#viewer-layout", "1x1");
        assertThat(watched.requests().stream().filter(u -> u.contains(s.srSeries()) || u.contains(s.pdfSeries())))
                .as("requests for the reports' series").isEmpty();
    }

    /** The report's page answers at the listed address: the structured report as a page, the PDF as itself. */
    private void reportOpens(Page page, String seriesUid, String expectedPrefix, String type) {
        String href = page.locator("#viewer-report-list li[data-series='" + seriesUid + "'] a").getAttribute("href");
        assertThat(href).startsWith(expectedPrefix);
        APIResponse report = page.request().get(url(href));
        assertThat(report.status()).as(href).isEqualTo(200);
        assertThat(report.headers().get("content-type")).startsWith(type);
    }

    /** The patient signs in and opens the study in the viewer, until its first image is drawn. */
    private Watched openAsPatient(Page page, Study s) {
        Watched watched = watch(page);
        page.navigate(url("/patient/studies"));
        Browser.signIn(page, s.patient());
        page.waitForURL(url("/patient/studies"));
        page.click("a.view");
        Browser.waitUntil(page, "() => Number(document.getElementById('viewer-canvas').dataset.rendered || 0) > 0");
        return watched;
    }

    @Test
    void reportsAreListedWithTheirPagesAndNeverDrawn() throws Exception {
        Study s = study();
        Page page = browser.newPage();
        Watched watched = openAsPatient(page, s);
        reportsListedNotDrawn(page, s, watched);
        String reports = "/patient/studies/" + s.studyId() + "/reports/";
        reportOpens(page, s.srSeries(), reports, "text/html");
        reportOpens(page, s.pdfSeries(), reports, "application/pdf");
        assertThat(page.locator("#viewer-home")).hasAttribute("href", "/home");
        assertThat(watched.refused()).as("CSP refusals").isEmpty();
    }

    @Test
    void aLinkRecipientHasHomeAndSignOutAndSigningOutEndsTheSession() throws Exception {
        Study s = study();
        ShareLinks.Issued link = ShareLinks.issue(TestRealm.mfaToken(s.patient()), s.studyId(), Map.of());
        String root = link.path();
        Page page = browser.newPage();
        Watched watched = watch(page);
        page.navigate(link.url());
        page.fill("#name", ShareLinks.CLAIMED_NAME);
        page.fill("#code", link.code());
        page.click("#open");
        assertThat(page.locator("h1")).hasText("Shared study");
        page.click("#view");
        reportsListedNotDrawn(page, s, watched);
        // the reports open under the link, nowhere else
        reportOpens(page, s.srSeries(), root + "/reports/", "text/html");
        reportOpens(page, s.pdfSeries(), root + "/reports/", "application/pdf");

        // the header: home is the link's own page, and a way out
        assertThat(page.locator("#viewer-home")).hasAttribute("href", root + "/study");
        assertThat(page.locator("form.signout-form")).hasAttribute("action", root + "/signout");
        page.click("#viewer-home");
        assertThat(page.locator("h1")).hasText("Shared study");
        page.goBack();
        assertThat(page.locator("#viewer-signout")).isVisible();

        String session = page.context().cookies().stream().filter(c -> "portal_link".equals(c.name))
                .map((Cookie c) -> c.value).findFirst().orElseThrow();
        String series = root + "/dicomweb/studies/" + s.studyUid() + "/series";
        given().cookie("portal_link", session).accept("application/dicom+json").get(series).then().statusCode(200);

        page.click("#viewer-signout");
        page.waitForURL(link.url());
        assertThat(page.locator("h1")).hasText("A study was shared with you");
        // the browser no longer has the session, and a copy of its cookie is refused by the portal
        assertThat(page.context().cookies().stream().filter(c -> "portal_link".equals(c.name))).isEmpty();
        assertThat(page.request().get(url(root + "/view"), RequestOptions.create().setMaxRedirects(0)).status())
                .isEqualTo(303);
        given().cookie("portal_link", session).accept("application/dicom+json").get(series).then().statusCode(404);
        given().cookie("portal_link", session).accept("application/dicom+json")
                .get(root + "/dicomweb/studies/" + s.studyUid() + "/series/"
                        + s.ctSeries() + "/metadata")
                .then().statusCode(404);
        given().cookie("portal_link", session).redirects().follow(false).get(root + "/view").then().statusCode(303);
        given().cookie("portal_link", session).redirects().follow(false).get(root + "/reports/1").then()
                .statusCode(303);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? AND "
                + "action = 'session.signout'", "link:" + link.id())).isEqualTo("1");

        // the code opens a new session while the link lasts
        page.fill("#name", ShareLinks.CLAIMED_NAME);
        page.fill("#code", link.code());
        page.click("#open");
        assertThat(page.locator("h1")).hasText("Shared study");
        assertThat(watched.refused()).as("CSP refusals").isEmpty();
    }

    @Test
    void aLengthIsDrawnAndLabelledUnderThePolicy() throws Exception {
        Study s = study();
        Page page = browser.newPage();
        Watched watched = openAsPatient(page, s);

        page.click("[data-tool='length']");
        Locator viewport = page.locator("[data-viewport='0']");
        BoundingBox box = viewport.boundingBox();
        double x = box.x + box.width / 2;
        double y = box.y + box.height / 2;
        page.mouse().move(x - 60, y - 20);
        page.mouse().down();
        for (int step = 1; step <= 10; step++) {
            page.mouse().move(x - 60 + 12 * step, y - 20 + 4 * step);
        }
        page.mouse().up();

        Locator listed = page.locator("#viewer-measurements li");
        assertThat(listed).hasCount(1);
        assertThat(listed).hasText(java.util.regex.Pattern.compile("Length [0-9]+\\.[0-9] (mm|px)"));
        // the label on the image: the length listed under it, in the same unit
        Browser.waitUntil(page, """
                () => {
                  const listed = document.querySelector('#viewer-measurements li');
                  const label = document.querySelector("[data-viewport='0'] svg text");
                  if (!listed || !label) return false;
                  const [length, unit] = listed.textContent.replace('Length ', '').split(' ');
                  const [shown, shownUnit] = label.textContent.trim().split(' ');
                  return unit === shownUnit && Math.abs(Number(length) - Number(shown)) <= 0.051;
                }
                """);
        // styled as Cornerstone means it: it lets the pointer through and is not selected with the page
        Locator label = viewport.locator("svg text");
        assertThat(label.first().evaluate("t => getComputedStyle(t).pointerEvents")).isEqualTo("none");
        assertThat(label.first().evaluate("t => getComputedStyle(t).userSelect")).isEqualTo("none");
        assertThat(watched.refused()).as("CSP refusals while measuring").isEmpty();
    }
}
