package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

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
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The sharing journey in real Chromium: the patient makes a link with an access code on the dashboard; a
 * fresh anonymous browser is locked out after five wrong codes; with a new link and the right code the recipient
 * opens the viewer and the image is drawn (checked on the canvas pixels, windowed as the file says); the download
 * is a ZIP with a DICOMDIR; the dashboard shows the opening and a notification; once the patient confirms the
 * revocation the link and every DICOMweb call under it answer 404.
 */
@QuarkusTest
class LinkViewerJourneyTest extends BrowserTest {

    private static final String CANVAS_STATS = """
            () => {
              const c = document.getElementById('viewer-canvas');
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let lit = 0, white = 0, gray = true;
              const levels = new Set();
              for (let i = 0; i < d.length; i += 4) {
                if (d[i] || d[i + 1] || d[i + 2]) lit++;
                if (d[i] === 255) white++;
                if (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2]) gray = false;
                levels.add(d[i]);
              }
              return { width: c.width, lit: lit, white: white, gray: gray, levels: levels.size };
            }
            """;

    @Inject
    DataSource db;

    private record Made(String url, String code) {
    }

    private static Made makeLink(Page home) {
        home.selectOption("#link-studyId", new SelectOption().setIndex(1));
        home.fill("#link-recipientName", "Dr Amara Okafor");
        home.selectOption("#link-purpose", "SECOND_OPINION");
        home.check("#link-download");
        home.fill("#link-maxOpens", "3");
        home.click("#make-link-button");
        assertThat(home.locator("h1")).hasText("Link for Dr Amara Okafor");
        // the long link wraps: the page the code is shown on once is no wider than the screen
        org.assertj.core.api.Assertions.assertThat((Boolean) home.evaluate(
                "() => document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
        return new Made(home.locator("#link-url").textContent().strip(),
                home.locator("#link-code").textContent().strip());
    }

    @Test
    void aLinkIsMadeOpenedViewedDownloadedWatchedAndRevoked() throws Exception {
        TestDicom.Patient registered = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        String axial = TestDicom.newUid();
        List<byte[]> files = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            files.add(TestDicom.ct(registered).study(study).series(axial).number(i).seed(100 + i).size(64).bytes());
        }
        TestDicom scout = TestDicom.ct(registered).study(study).seriesNumber(2).seed(200).size(64);
        files.add(scout.bytes());
        Dicomweb.stow(TestRealm.ingestToken(), files).then().statusCode(200);
        TestRealm.User patient = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, registered.id(), patient.id());

        Page home = browser.newPage();
        home.navigate(url("/patient/sharing"));
        Browser.signIn(home, patient);
        home.waitForURL(url("/patient/sharing"));

        // a link whose code is guessed: five wrong codes lock it for good
        Made guessed = makeLink(home);
        Page stranger = browser.newPage(Browser.someClientAddress());
        stranger.navigate(guessed.url());
        assertThat(stranger.locator("h1")).hasText("A study was shared with you");
        String wrong = (guessed.code().charAt(0) == '1' ? "2" : "1") + guessed.code().substring(1);
        for (int attempt = 1; attempt <= 5; attempt++) {
            stranger.fill("#name", "Amara Okafor");
            stranger.fill("#code", wrong);
            stranger.click("#open");
        }
        assertThat(stranger.locator("h1")).hasText("This link is not available");
        stranger.navigate(guessed.url());
        assertThat(stranger.locator("h1")).hasText("This link is not available");

        // a new link, opened with the right code, shows the images
        home.navigate(url("/patient/sharing"));
        Made link = makeLink(home);
        Page recipient = browser.newPage();
        recipient.navigate(link.url());
        recipient.fill("#name", "Amara Okafor");
        recipient.fill("#code", link.code());
        recipient.click("#open");
        assertThat(recipient.locator("h1")).hasText("Shared study");
        recipient.click("#view");
        assertThat(recipient.locator(".viewer-series-item")).hasCount(2);
        Browser.waitUntil(recipient,
                "() => Number(document.getElementById('viewer-canvas').dataset.rendered || 0) > 0");
        @SuppressWarnings("unchecked")
        Map<String, Object> drawn = (Map<String, Object>) recipient.evaluate(CANVAS_STATS);
        int lit = ((Number) drawn.get("lit")).intValue();
        int white = ((Number) drawn.get("white")).intValue();
        org.assertj.core.api.Assertions.assertThat(drawn.get("gray")).isEqualTo(true);
        org.assertj.core.api.Assertions.assertThat(lit).as("image pixels on the canvas").isGreaterThan(10_000);
        org.assertj.core.api.Assertions.assertThat(((Number) drawn.get("levels")).intValue()).isGreaterThan(50);
        // the file's window (centre 1024, width 2048) over values 0..4095 turns about half of them white
        org.assertj.core.api.Assertions.assertThat((double) white / lit).isBetween(0.4, 0.6);
        recipient.screenshot(new Page.ScreenshotOptions()
                .setPath(java.nio.file.Path.of("target", "screenshots", "link-viewer.png")).setFullPage(true));
        // the whole series arrives and can be scrolled; the other series gets its thumbnail
        assertThat(recipient.locator("#viewer")).hasAttribute("data-loaded", "6");
        recipient.locator("#viewer-canvas").press("ArrowDown");
        assertThat(recipient.locator("#viewer-status")).containsText("Image 2 of 6");
        Browser.waitUntil(recipient, "() => { const t = document.querySelectorAll('.viewer-thumb')[1];"
                + " const d = t.getContext('2d').getImageData(0, 0, 96, 96).data;"
                + " for (let i = 0; i < d.length; i += 4) { if (d[i] > 0) return true; } return false; }");

        // the download is the study with its DICOMDIR
        Download download = recipient.waitForDownload(() -> recipient.click("#viewer-download"));
        List<String> entries = new ArrayList<>();
        try (InputStream in = Files.newInputStream(download.path()); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.add(e.getName());
            }
        }
        org.assertj.core.api.Assertions.assertThat(entries).contains("DICOMDIR");
        org.assertj.core.api.Assertions.assertThat(entries.stream().filter(n -> n.startsWith("DICOM/"))).hasSize(7);

        // every release under the link is disclosed to the recipient
        String token = link.url().substring(link.url().indexOf("/s/") + 3);
        String linkId = Dicomweb.queryString(db, "SELECT id::text FROM portal.share_link WHERE token_hash = "
                + "encode(sha256(convert_to(?, 'UTF8')), 'hex')", token);
        org.assertj.core.api.Assertions.assertThat(linkId).isNotNull();
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT string_agg(DISTINCT action || "
                + "':' || recipient_name, ',' ORDER BY action || ':' || recipient_name) FROM portal.disclosure "
                + "WHERE basis = ?", "link:" + linkId)).isEqualTo("DOWNLOAD:Dr Amara Okafor,VIEW:Dr Amara Okafor");

        // the dashboard shows the opening, and the patient was told
        home.navigate(url("/patient/sharing"));
        var row = home.locator("tr.link[data-link='" + linkId + "']");
        assertThat(row.locator(".opens")).containsText("1 of 3");
        assertThat(row.locator(".opens")).containsText("last ");
        assertThat(home.locator("#notifications")).containsText("The link you made for Dr Amara Okafor was opened "
                + "by someone giving the name \"Amara Okafor\"");

        // revoking, once confirmed: the link and every DICOMweb call under it are gone
        String root = "/s/" + token + "/dicomweb/studies/" + study;
        org.assertj.core.api.Assertions.assertThat(recipient.request().get(url(root + "/metadata")).status())
                .isEqualTo(200);
        assertThat(row.locator("label.confirm")).hasText("The link for Dr Amara Okafor no longer opens CT CHEST of "
                + "15 Jan 2026, not even where it is open already. This cannot be undone.");
        row.locator("input[name=confirm]").check();
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(home.locator(".notice")).containsText("The link was revoked");
        List<String> paths = List.of(root + "/series", root + "/metadata", root, root + "/series/" + axial,
                root + "/series/" + scout.seriesUid() + "/instances/" + scout.sopInstanceUid(),
                root + "/series/" + scout.seriesUid() + "/instances/" + scout.sopInstanceUid() + "/frames/1",
                "/s/" + token + "/download", "/s/" + token + "/view");
        for (String path : paths) {
            org.assertj.core.api.Assertions.assertThat(recipient.request().get(url(path)).status()).as(path)
                    .isEqualTo(404);
        }
        recipient.navigate(link.url());
        assertThat(recipient.locator("h1")).hasText("This link is not available");
    }
}
