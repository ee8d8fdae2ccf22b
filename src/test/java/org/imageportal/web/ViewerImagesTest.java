package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.imageportal.dicom.PatternImages.BLOCK;
import static org.imageportal.dicom.PatternImages.BLOCKS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.DicomTools;
import org.imageportal.dicom.PatternImages;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The viewer in real Chromium draws what the files hold: a study of block patterns (known values at known places)
 * in every transfer syntax the real tools make (dcmtk, GDCM, OpenJPH) and in MONOCHROME1 and RGB, stored through
 * the portal's ingest and fetched as frames in the stored syntax. The canvas is read at the centre of each block and
 * compared with the source after the header's window: lossless syntaxes exactly as the native image is drawn,
 * lossy ones within their error. The overlay names the patient, the study (dates in the practice's format) and the
 * place in the series; the codecs run under the portal's CSP, and nothing the pages ask for fails.
 */
@QuarkusTest
class ViewerImagesTest extends BrowserTest {

    /** The canvas of the first viewport, where the image lies on it, and the colour at the centre of each block. */
    private static final String SAMPLE = """
            () => {
              const c = document.getElementById('viewer-canvas');
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let x0 = c.width, y0 = c.height, x1 = -1, y1 = -1;
              for (let y = 0; y < c.height; y++) {
                for (let x = 0; x < c.width; x++) {
                  const i = (y * c.width + x) * 4;
                  if (d[i] + d[i + 1] + d[i + 2] > 0) {
                    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
                  }
                }
              }
              const size = %d, block = %d, blocks = %d;
              const sx = (x1 + 1 - x0) / size, sy = (y1 + 1 - y0) / size;
              const samples = [];
              for (let k = 0; k < blocks * blocks; k++) {
                const x = Math.floor(x0 + (block * (k %% blocks) + block / 2) * sx);
                const y = Math.floor(y0 + (block * Math.floor(k / blocks) + block / 2) * sy);
                const i = (y * c.width + x) * 4;
                samples.push([d[i], d[i + 1], d[i + 2]]);
              }
              const r = c.getBoundingClientRect();
              return { x0: x0, y0: y0, sx: sx, sy: sy, left: r.left, top: r.top, ratio: c.width / r.width,
                samples: samples };
            }
            """.formatted(PatternImages.SIZE, BLOCK, BLOCKS);

    @Inject
    DataSource db;

    /** A series of the test study: how it was made and how far its pixels may be from the source. */
    private record Series(int number, String description, PatternImages.Kind kind, boolean lossless,
            int tolerance, byte[] file) {
    }

    /** Where the image lies on the canvas, and the displayed colour at each block's centre. */
    private record Drawn(double x0, double y0, double sx, double sy, double left, double top, double ratio,
            List<List<Integer>> samples) {

        int gray(int k) {
            return samples.get(k).get(0);
        }
    }

    @Test
    void everySyntaxAndPhotometricInterpretationShowsTheSourcePixels() throws Exception {
        TestDicom.Patient registered = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        List<Series> series = new ArrayList<>();
        series.add(new Series(1, "CT native", PatternImages.Kind.CT, true, 0,
                PatternImages.ct(registered, study, 1, "CT native", 1)));
        series.add(ct(registered, study, 2, "CT JPEG lossless", true, 0, "dcmcjpeg", "+e1"));
        series.add(ct(registered, study, 3, "CT JPEG-LS lossless", true, 0, "dcmcjpls", "+el"));
        series.add(ct(registered, study, 4, "CT JPEG-LS near-lossless", false, 1, "dcmcjpls", "+en", "+md", "2"));
        series.add(ct(registered, study, 5, "CT RLE", true, 0, "dcmcrle"));
        series.add(ct(registered, study, 6, "CT JPEG 2000", true, 0, "gdcmconv", "--j2k"));
        series.add(ct(registered, study, 7, "CT JPEG extended", false, 8, "dcmcjpeg", "+ee"));
        series.add(new Series(8, "MONOCHROME1", PatternImages.Kind.MONOCHROME1, true, 0,
                PatternImages.monochrome1(registered, study, 8)));
        series.add(new Series(9, "RGB native", PatternImages.Kind.RGB, true, 0,
                PatternImages.rgb(registered, study, 9, "RGB native")));
        series.add(new Series(10, "RGB JPEG baseline", PatternImages.Kind.RGB, false, 12,
                DicomTools.convert(PatternImages.rgb(registered, study, 10, "RGB JPEG baseline"), "dcmcjpeg", "+eb")));
        series.add(new Series(11, "RGB RLE", PatternImages.Kind.RGB, true, 0,
                DicomTools.convert(PatternImages.rgb(registered, study, 11, "RGB RLE"), "dcmcrle")));
        series.add(new Series(12, "CT HTJ2K lossless", PatternImages.Kind.CT, true, 0,
                PatternImages.htj2k(registered, study, 12, "CT HTJ2K lossless")));
        List<byte[]> files = new ArrayList<>(series.stream().map(Series::file).toList());
        files.add(PatternImages.ct(registered, study, 13, "CT multi-frame", 3));
        Dicomweb.stow(TestRealm.ingestToken(), files).then().statusCode(200);
        TestRealm.User patient = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, registered.id(), patient.id());

        Page page = browser.newPage();
        List<String> refused = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy") || m.text().contains("CompileError")) {
                refused.add(m.text());
            }
            // the browser's own requests (the page's icon) are not page responses; it reports them here
            if (m.text().startsWith("Failed to load resource")) {
                failed.add(m.text() + " " + m.location());
            }
        });
        page.onResponse(r -> {
            if (r.status() >= 400) {
                failed.add(r.status() + " " + r.url());
            }
        });
        page.onRequestFailed(r -> failed.add(r.failure() + " " + r.url()));
        page.navigate(url("/patient/studies"));
        Browser.signIn(page, patient);
        page.waitForURL(url("/patient/studies"));
        page.click("a.view");
        assertThat(page.locator(".viewer-series-item")).hasCount(13);

        // every syntax and photometric interpretation, read at each block's centre
        Drawn nativeCt = null;
        Drawn nativeRgb = null;
        for (Series s : series) {
            Drawn drawn = open(page, s.number(), 1);
            if (s.kind() == PatternImages.Kind.CT) {
                for (int k = 0; k < BLOCKS * BLOCKS; k++) {
                    int expected = windowed(PatternImages.ctHu(k, 0), PatternImages.CT_CENTER, PatternImages.CT_WIDTH);
                    assertGray(s, drawn, k, expected, nativeCt == null ? 1 : s.tolerance() + 1);
                    if (nativeCt != null && s.lossless()) {
                        assertThat(drawn.gray(k)).as("%s block %d as the native image shows it", s.description(), k)
                                .isEqualTo(nativeCt.gray(k));
                    }
                }
                if (nativeCt == null) {
                    nativeCt = drawn;
                }
            } else if (s.kind() == PatternImages.Kind.MONOCHROME1) {
                for (int k = 0; k < BLOCKS * BLOCKS; k++) {
                    int expected = 255 - windowed(PatternImages.mono1Stored(k), PatternImages.MONO1_CENTER,
                            PatternImages.MONO1_WIDTH);
                    assertGray(s, drawn, k, expected, 1);
                }
            } else {
                for (int k = 0; k < BLOCKS * BLOCKS; k++) {
                    int[] rgb = PatternImages.rgb(k);
                    for (int c = 0; c < 3; c++) {
                        int got = drawn.samples().get(k).get(c);
                        int allowed = nativeRgb == null ? 1 : s.tolerance() + 1;
                        assertThat(Math.abs(got - rgb[c])).as("%s block %d channel %d: %d, source %d",
                                s.description(), k, c, got, rgb[c]).isLessThanOrEqualTo(allowed);
                        if (nativeRgb != null && s.lossless()) {
                            assertThat(got).as("%s block %d channel %d", s.description(), k, c)
                                    .isEqualTo(nativeRgb.samples().get(k).get(c));
                        }
                    }
                }
                if (nativeRgb == null) {
                    nativeRgb = drawn;
                }
            }
        }

        // the overlay says whose images these are and where the reader is
        Drawn ct = open(page, 1, 1);
        var overlay = page.locator("[data-viewport='0'] .viewer-overlay");
        assertThat(overlay).containsText(registered.shownName());
        assertThat(overlay).containsText("born 1 Jan 1980");
        assertThat(overlay).containsText("study 15 Jan 2026");
        assertThat(overlay).containsText("Series 1 CT native");
        assertThat(overlay).containsText("Image 1 of 1");
        assertThat(overlay).containsText("W " + PatternImages.CT_WIDTH + " L " + PatternImages.CT_CENTER);

        assertThat(refused).as("CSP refusals and WASM compile errors").isEmpty();
        // nothing the pages ask for is missing, the tab's icon included
        assertThat(failed).as("failed requests of the studies page and the viewer").isEmpty();
        APIResponse icon = page.request().get(url(page.locator("link[rel=icon]").getAttribute("href")));
        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.headers().get("content-type")).startsWith("image/svg+xml");
        APIResponse wasm = page.request().get(url("/viewer/charlswasm_decode.wasm"));
        assertThat(wasm.headers().get("content-type")).startsWith("application/wasm");
        APIResponse worker = page.request().get(url("/viewer/decodeImageFrameWorker.js"));
        assertThat(worker.headers().get("content-security-policy")).contains("'wasm-unsafe-eval'")
                .doesNotContain("'unsafe-eval'").doesNotContain("'unsafe-inline'");

    }

    private static Series ct(TestDicom.Patient patient, String study, int number, String description,
            boolean lossless, int tolerance, String tool, String... options) throws Exception {
        // the signed CT where the tool takes it, else the same HU stored unsigned
        byte[] file = lossless
                ? PatternImages.ct(patient, study, number, description, 1)
                : PatternImages.ctUnsigned(patient, study, number, description);
        return new Series(number, description, PatternImages.Kind.CT, lossless, tolerance,
                DicomTools.convert(file, tool, options));
    }

    /** The display level of {@code value} under a linear window, 0 to 255. */
    private static int windowed(int value, int center, int width) {
        double level = 255.0 * (value - (center - width / 2.0)) / width;
        return (int) Math.round(Math.max(0, Math.min(255, level)));
    }

    private static void assertGray(Series s, Drawn drawn, int k, int expected, int tolerance) {
        List<Integer> rgb = drawn.samples().get(k);
        assertThat(rgb.get(0)).as("%s block %d is gray", s.description(), k).isEqualTo(rgb.get(1))
                .isEqualTo(rgb.get(2));
        assertThat(Math.abs(rgb.get(0) - expected)).as("%s block %d: %d, source after the window %d",
                s.description(), k, rgb.get(0), expected).isLessThanOrEqualTo(tolerance);
    }

    /** Selects a series and waits until image {@code image} of it is on the canvas. */
    private static Drawn open(Page page, int seriesNumber, int image) {
        page.locator(".viewer-series-item").nth(seriesNumber - 1).click();
        return waitForImage(page, seriesNumber, image);
    }

    private static Drawn waitForImage(Page page, int seriesNumber, int image) {
        Browser.waitUntil(page, "() => { const v = document.querySelector(\"[data-viewport='0']\");"
                + " return v.dataset.seriesNumber === '" + seriesNumber + "' && v.dataset.image === '" + image
                + "'; }");
        return sampleAfterRender(page);
    }

    /** Samples once the viewer has drawn its latest change (two animation frames later). */
    private static Drawn sampleAfterRender(Page page) {
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        return sample(page);
    }

    @SuppressWarnings("unchecked")
    private static Drawn sample(Page page) {
        Map<String, Object> m = (Map<String, Object>) page.evaluate(SAMPLE);
        List<List<Integer>> samples = ((List<List<Number>>) m.get("samples")).stream()
                .map(c -> c.stream().map(Number::intValue).toList()).toList();
        return new Drawn(num(m, "x0"), num(m, "y0"), num(m, "sx"), num(m, "sy"), num(m, "left"), num(m, "top"),
                num(m, "ratio"), samples);
    }

    private static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
