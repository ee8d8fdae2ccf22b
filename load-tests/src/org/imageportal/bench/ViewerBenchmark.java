package org.imageportal.bench;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.imageportal.dicom.DicomTools;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.google.gson.JsonObject;

import io.restassured.RestAssured;

/**
 * The viewer in Chromium on a study of many images, opened as a share link's recipient opens it: how long until the
 * first image is on the screen, how many images the viewer fetched ahead and when it stopped (the whole series or
 * its bounded image cache full), how long one step to the next image takes while paging through every image, the
 * bytes the page fetched and the tab's JavaScript heap afterwards. Each round is a fresh browser profile (nothing
 * cached); the first round also meets a portal whose code paths are not yet compiled.
 *
 * <pre>
 * java ... org.imageportal.bench.ViewerBenchmark --jar target/quarkus-app/quarkus-run.jar --instances 500 \
 *     --size 512 --syntax native|jpeg-ls|jpeg-lossless|rle|jpeg2000 --rounds 3
 * </pre>
 */
public final class ViewerBenchmark {

    /** Records when the viewer first drew and how far it had fetched, as the page's own clock sees it. */
    private static final String PROBE = """
            performance.setResourceTimingBufferSize(1000000);
            new MutationObserver((changes) => {
              for (const c of changes) {
                if (c.attributeName === 'data-rendered' && window.firstDrawn === undefined) {
                  window.firstDrawn = performance.now();
                }
                if (c.attributeName === 'data-loaded') {
                  window.loaded = Number(c.target.dataset.loaded);
                  window.loadedAt = performance.now();
                }
              }
            }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-rendered', 'data-loaded'] });
            """;

    /**
     * Steps through every image with the arrow key as a reader does, each step waiting until the image is drawn;
     * answers the mean milliseconds per step.
     */
    private static final String STEP_THROUGH = """
            async (n) => {
              const pane = document.querySelector("[data-viewport='0']");
              const canvas = pane.querySelector('canvas');
              const start = performance.now();
              for (let i = 2; i <= n; i++) {
                canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
                const asked = performance.now();
                while (pane.dataset.image !== String(i)) {
                  if (performance.now() - asked > 30000) throw new Error(`image ${i} was not drawn within 30 s`);
                  await new Promise((drawn) => requestAnimationFrame(drawn));
                }
              }
              return (performance.now() - start) / Math.max(1, n - 1);
            }
            """;

    private static final Map<String, List<String>> SYNTAXES = Map.of("native", List.of(), "jpeg-ls",
            List.of("dcmcjpls", "+el"), "jpeg-lossless", List.of("dcmcjpeg", "+e1"), "rle", List.of("dcmcrle"),
            "jpeg2000", List.of("gdcmconv", "--j2k"));

    /** The study as stored: its bytes, a token of the patient who owns it and its id in the portal. */
    private record Stored(long bytes, String ownerToken, String studyId) {
    }

    private record Round(double firstImageMs, int fetchedAhead, double fetchedAheadMs, double stepMs, long pageBytes,
            long heapBytes) {
    }

    private ViewerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(arg(args, "--jar", "target/quarkus-app/quarkus-run.jar"));
        int instances = Integer.parseInt(arg(args, "--instances", "500"));
        int size = Integer.parseInt(arg(args, "--size", "512"));
        int rounds = Integer.parseInt(arg(args, "--rounds", "3"));
        String syntax = arg(args, "--syntax", "native");
        List<String> tool = SYNTAXES.get(syntax);
        if (tool == null) {
            throw new IllegalArgumentException("--syntax is one of " + SYNTAXES.keySet());
        }
        System.setProperty("portal.identity.keycloak-url", System.getenv("PORTAL_KEYCLOAK_URL"));
        System.setProperty("portal.identity.realm", System.getenv("PORTAL_KEYCLOAK_REALM"));
        Path log = Files.createTempFile("portal-viewer-bench", ".log");
        try (PortalProcess portal = PortalProcess.start(jar, log)) {
            RestAssured.baseURI = portal.base();
            RestAssured.port = Integer.parseInt(portal.base().substring(portal.base().lastIndexOf(':') + 1));
            Stored stored = storeStudy(instances, size, tool);
            System.out.printf("study: %d images of %d x %d x 16 bit, %s, %.1f MB stored%n", instances, size, size,
                    syntax, stored.bytes() / 1e6);
            ShareLinks.Issued link = ShareLinks.issue(stored.ownerToken(), stored.studyId(),
                    Map.of());
            try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                    Browser browser = playwright.chromium()
                            .launch(new BrowserType.LaunchOptions()
                                    .setExecutablePath(Path.of(
                                            System.getenv().getOrDefault("PORTAL_CHROMIUM", "/usr/bin/chromium")))
                                    .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu")))) {
                System.out.printf("%-6s %14s %14s %16s %12s %12s %12s%n", "round", "first image ms",
                        "fetched ahead", "fetched by ms", "step ms", "page MB", "JS heap MB");
                for (int r = 1; r <= rounds; r++) {
                    Round round = open(browser, portal.base(), link, instances);
                    System.out.printf("%-6d %14.0f %14d %16.0f %12.1f %12.1f %12.1f%n", r, round.firstImageMs(),
                            round.fetchedAhead(), round.fetchedAheadMs(), round.stepMs(), round.pageBytes() / 1e6,
                            round.heapBytes() / 1e6);
                }
            }
            System.out.println("(portal log: " + log + ")");
        }
    }

    /** Stores the study in batches through STOW-RS and gives it to a new patient account. */
    private static Stored storeStudy(int instances, int size, List<String> tool) throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        String series = TestDicom.newUid();
        String ingest = TestRealm.ingestToken();
        long bytes = 0;
        List<byte[]> batch = new ArrayList<>();
        for (int i = 1; i <= instances; i++) {
            byte[] image = TestDicom.ct(patient).study(study).series(series).number(i).seed(i).size(size).bytes();
            if (!tool.isEmpty()) {
                image = DicomTools.convert(image, tool.getFirst(),
                        tool.subList(1, tool.size()).toArray(String[]::new));
            }
            bytes += image.length;
            batch.add(image);
            if (batch.size() == 50 || i == instances) {
                Dicomweb.stow(ingest, batch).then().statusCode(200);
                batch.clear();
            }
        }
        BenchPatients.Owner owner = BenchPatients.owner(patient.id());
        return new Stored(bytes, owner.token(), owner.studyId());
    }

    /** One opening of the viewer in a fresh profile, then one step at a time through every image. */
    private static Round open(Browser browser, String base, ShareLinks.Issued link, int instances) {
        try (BrowserContext context = browser
                .newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            context.setDefaultTimeout(120_000);
            String session = ShareLinks.openSession(link);
            context.addCookies(List.of(new Cookie("portal_link", session).setDomain("127.0.0.1")
                    .setPath(link.path()).setHttpOnly(true)));
            context.addInitScript(PROBE);
            Page page = context.newPage();
            page.navigate(base + link.path() + "/view");
            // the page's Content-Security-Policy refuses Playwright's waitForFunction (it evaluates a string)
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (number(page, "window.firstDrawn === undefined ? -1 : window.firstDrawn") < 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the viewer drew no image within two minutes");
                }
                page.waitForTimeout(50);
            }
            double first = number(page, "window.firstDrawn");
            // fetching ahead has stopped when the count has not moved for two seconds
            double lastCount = -1;
            while (number(page, "window.loaded || 0") != lastCount) {
                lastCount = number(page, "window.loaded || 0");
                page.waitForTimeout(2_000);
            }
            int ahead = (int) lastCount;
            double aheadAt = number(page, "window.loadedAt || 0");
            double step = ((Number) page.evaluate(STEP_THROUGH, instances)).doubleValue();
            long bytes = (long) number(page, "performance.getEntriesByType('navigation').concat("
                    + "performance.getEntriesByType('resource')).reduce((s, e) => s + (e.transferSize || 0), 0)");
            CDPSession cdp = context.newCDPSession(page);
            cdp.send("HeapProfiler.enable");
            cdp.send("HeapProfiler.collectGarbage");
            cdp.send("Performance.enable");
            long heap = 0;
            for (var metric : cdp.send("Performance.getMetrics").getAsJsonArray("metrics")) {
                JsonObject m = metric.getAsJsonObject();
                if (m.get("name").getAsString().equals("JSHeapUsedSize")) {
                    heap = m.get("value").getAsLong();
                }
            }
            return new Round(first, ahead, aheadAt, step, bytes, heap);
        }
    }

    private static double number(Page page, String expression) {
        return ((Number) page.evaluate("() => " + expression)).doubleValue();
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
