package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.DicomTools;
import org.imageportal.dicom.PatternImages;
import org.imageportal.dicom.ReportFiles;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * WADO-RS rendered images and thumbnails (PS3.18 9.5, 9.6) of stored instances, through the real store: the pixels
 * a PNG holds are the stored values through the window asked for (or the header's), exactly; a JPEG is close to
 * them; the viewport is honoured; bad parameters and unacceptable types are problems; a compressed image renders as
 * the native one does; a series' thumbnail is its middle image; and under a share link or a physician's grant each
 * rendered read is a release disclosed to the recipient, within the share's scope and never after its revocation.
 */
@QuarkusTest
class RenderedImageTest extends BrowserTest {

    private static final int SIZE = PatternImages.SIZE;

    @Inject
    DataSource db;

    private static TestDicom.Patient patient;
    private static String patientToken;
    private static String studyUid;
    private static String studyId;
    /** Series number to "seriesUid/instances/sopInstanceUid". */
    private static final Map<Integer, String> INSTANCES = new LinkedHashMap<>();
    private static String reportPath;

    @BeforeEach
    void storeOnce() throws Exception {
        if (patientToken != null) {
            return;
        }
        patient = TestDicom.Patient.random();
        studyUid = TestDicom.newUid();
        byte[] multiFrame = PatternImages.ct(patient, studyUid, 1, "AXIAL", 3);
        byte[] rle = DicomTools.convert(PatternImages.ct(patient, studyUid, 2, "AXIAL RLE", 1), "dcmcrle");
        byte[] jpegLs = DicomTools.convert(PatternImages.ct(patient, studyUid, 3, "AXIAL JLS", 1), "dcmcjpls");
        String reportSeries = TestDicom.newUid();
        String reportSop = TestDicom.newUid();
        byte[] report = ReportFiles.sr(ReportFiles.SrKind.BASIC, patient, TestDicom.ct(patient).study(studyUid),
                reportSeries, reportSop, "A finding", "A conclusion");
        Dicomweb.stow(TestRealm.ingestToken(), List.of(multiFrame, rle, jpegLs, report)).then().statusCode(200);
        TestRealm.User owner = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", studyUid);
        for (int series = 1; series <= 3; series++) {
            INSTANCES.put(series, Dicomweb.queryString(db, "SELECT se.series_uid || '/instances/' || "
                    + "i.sop_instance_uid FROM portal.instance i JOIN portal.series se ON se.id = i.series_ref "
                    + "WHERE se.series_number = " + series + " AND i.study_ref = ?::uuid", studyId));
        }
        reportPath = reportSeries + "/instances/" + reportSop;
        patientToken = TestRealm.mfaToken(owner);
    }

    private static String instance(String root, int series) {
        return root + "/studies/" + studyUid + "/series/" + INSTANCES.get(series);
    }

    private static String seriesUid(int series) {
        return INSTANCES.get(series).substring(0, INSTANCES.get(series).indexOf('/'));
    }

    private static RequestSpecification asPatient() {
        return given().auth().oauth2(patientToken);
    }

    /** The grey level of PS3.3 C.11.2.1.2.1 (the linear function) for a value in modality units. */
    static int linear(double x, double center, double width) {
        if (x <= center - 0.5 - (width - 1) / 2) {
            return 0;
        }
        if (x > center - 0.5 + (width - 1) / 2) {
            return 255;
        }
        return (int) Math.round(((x - (center - 0.5)) / (width - 1) + 0.5) * 255);
    }

    static BufferedImage image(Response response) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.asByteArray()));
        assertThat(image).as("the body decodes as an image").isNotNull();
        return image;
    }

    /** Every pixel of the picture is the frame's value (0-based) through the linear window, exactly. */
    static void assertWindowed(BufferedImage png, int frame, double center, double width) {
        assertThat(png.getWidth()).isEqualTo(SIZE);
        assertThat(png.getHeight()).isEqualTo(SIZE);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int hu = PatternImages.ctHu(PatternImages.blockAt(x, y), frame);
                assertThat(png.getRaster().getSample(x, y, 0)).as("pixel %d,%d (%d HU)", x, y, hu)
                        .isEqualTo(linear(hu, center, width));
            }
        }
    }

    @Test
    void aPngWithAWindowHoldsTheStoredValuesThroughThatWindowExactly() throws Exception {
        Response png = asPatient().accept("image/png").queryParam("window", "-300,1200,linear")
                .get(instance("/dicomweb", 1) + "/rendered");
        png.then().statusCode(200).contentType("image/png");
        assertWindowed(image(png), 0, -300, 1200);

        Response third = asPatient().accept("image/png").queryParam("window", "-300,1200,linear")
                .get(instance("/dicomweb", 1) + "/frames/3/rendered");
        third.then().statusCode(200).contentType("image/png");
        assertWindowed(image(third), 2, -300, 1200);
    }

    @Test
    void withoutAWindowTheHeadersWindowIsUsed() throws Exception {
        Response png = asPatient().accept("image/png").get(instance("/dicomweb", 1) + "/frames/2/rendered");
        png.then().statusCode(200).contentType("image/png");
        assertWindowed(image(png), 1, PatternImages.CT_CENTER, PatternImages.CT_WIDTH);
    }

    @Test
    void jpegIsTheDefaultAndCloseToTheWindowedValues() throws Exception {
        for (String accept : new String[]{null, "*/*", "image/*", "image/jpeg", "image/png;q=0.5, image/jpeg"}) {
            RequestSpecification request = asPatient().queryParam("window", "-300,1200,linear");
            if (accept != null) {
                request.accept(accept);
            }
            Response jpeg = request.get(instance("/dicomweb", 1) + "/rendered");
            jpeg.then().statusCode(200).contentType("image/jpeg");
            assertThat(java.util.Arrays.copyOf(jpeg.asByteArray(), 2)).containsExactly(0xFF, 0xD8);
            BufferedImage picture = image(jpeg);
            assertThat(picture.getWidth()).isEqualTo(SIZE);
            for (int k = 0; k < PatternImages.BLOCKS * PatternImages.BLOCKS; k++) {
                int x = (k % PatternImages.BLOCKS) * PatternImages.BLOCK + PatternImages.BLOCK / 2;
                int y = (k / PatternImages.BLOCKS) * PatternImages.BLOCK + PatternImages.BLOCK / 2;
                int grey = picture.getRaster().getSample(x, y, 0);
                assertThat(grey).as("block %d with Accept %s", k, accept)
                        .isCloseTo(linear(PatternImages.ctHu(k, 0), -300, 1200), org.assertj.core.data.Offset
                                .offset(3));
            }
        }
    }

    @Test
    void theViewportIsFittedWithTheAspectKept() throws Exception {
        BufferedImage small = image(asPatient().accept("image/png").queryParam("viewport", "32,16")
                .get(instance("/dicomweb", 1) + "/rendered"));
        assertThat(small.getWidth()).isEqualTo(16);
        assertThat(small.getHeight()).isEqualTo(16);
        BufferedImage large = image(asPatient().queryParam("viewport", "200,100")
                .get(instance("/dicomweb", 1) + "/frames/1/rendered"));
        assertThat(large.getWidth()).isEqualTo(100);
        assertThat(large.getHeight()).isEqualTo(100);
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() {
        Map<String, String[]> bad = new LinkedHashMap<>();
        bad.put("window", new String[]{"abc", "40,0,linear", "40,0.5,linear", "40,400,cubic", "40,400",
                "NaN,400,linear"});
        bad.put("viewport", new String[]{"0,10", "5000,5000", "10", "10,10,0,0", "-1,10"});
        bad.put("quality", new String[]{"0", "101", "high"});
        bad.forEach((parameter, values) -> {
            for (String value : values) {
                asPatient().queryParam(parameter, value).get(instance("/dicomweb", 1) + "/rendered").then()
                        .statusCode(400).contentType("application/problem+json")
                        .body("violations[0].field", org.hamcrest.Matchers.equalTo(parameter));
            }
        });
        for (String frame : new String[]{"0", "1,2", "x"}) {
            asPatient().get(instance("/dicomweb", 1) + "/frames/" + frame + "/rendered").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("violations[0].field", org.hamcrest.Matchers.equalTo("frame"));
        }
        asPatient().get(instance("/dicomweb", 1) + "/frames/4/rendered").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void anAcceptOfNeitherImageTypeIsNotAcceptable() {
        for (String accept : new String[]{"image/gif", "application/dicom", "image/jpeg;q=0, image/png;q=0"}) {
            asPatient().accept(accept).get(instance("/dicomweb", 1) + "/rendered").then().statusCode(406)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("image/jpeg or image/png"));
        }
    }

    @Test
    void aCompressedImageRendersAsTheNativeOneDoes() throws Exception {
        Response png = asPatient().accept("image/png").queryParam("window", "-300,1200,linear")
                .get(instance("/dicomweb", 2) + "/rendered");
        png.then().statusCode(200).contentType("image/png");
        assertWindowed(image(png), 0, -300, 1200);
    }

    /** JPEG-LS is decoded by the portal's own decoder: its rendering and thumbnail are the native image's. */
    @Test
    void aJpegLsImageRendersAsTheNativeOneDoes() throws Exception {
        Response png = asPatient().accept("image/png").queryParam("window", "-300,1200,linear")
                .get(instance("/dicomweb", 3) + "/rendered");
        png.then().statusCode(200).contentType("image/png");
        assertWindowed(image(png), 0, -300, 1200);
        Response thumbnail = asPatient().accept("image/png").get(instance("/dicomweb", 3) + "/thumbnail");
        thumbnail.then().statusCode(200).contentType("image/png");
        assertWindowed(image(thumbnail), 0, PatternImages.CT_CENTER, PatternImages.CT_WIDTH);
    }

    /** A structured report has no image at all: 406. */
    @Test
    void aReportIsNotAcceptable() {
        asPatient().get("/dicomweb/studies/" + studyUid + "/series/" + reportPath + "/rendered").then()
                .statusCode(406).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("no pixel data"));
    }

    @Test
    void thumbnailsAnswerAPictureOfTheInstanceOrOfTheSeriesMiddleImage() throws Exception {
        Response instanceThumbnail = asPatient().get(instance("/dicomweb", 1) + "/thumbnail");
        instanceThumbnail.then().statusCode(200).contentType("image/jpeg");
        assertThat(image(instanceThumbnail).getWidth()).as("a small image is not enlarged").isEqualTo(SIZE);
        Response compressed = asPatient().accept("image/png").get(instance("/dicomweb", 2) + "/thumbnail");
        compressed.then().statusCode(200).contentType("image/png");
        assertWindowed(image(compressed), 0, PatternImages.CT_CENTER, PatternImages.CT_WIDTH);
        assertThat(image(asPatient().queryParam("viewport", "8,8").get(instance("/dicomweb", 1) + "/thumbnail"))
                .getWidth()).isEqualTo(8);
        asPatient().queryParam("viewport", "8").get(instance("/dicomweb", 1) + "/thumbnail").then().statusCode(400)
                .body("violations[0].field", org.hamcrest.Matchers.equalTo("viewport"));
        asPatient().accept("image/gif").get(instance("/dicomweb", 1) + "/thumbnail").then().statusCode(406);

        // a series of three: its thumbnail is the second image, through the header's window
        String study = TestDicom.newUid();
        String series = TestDicom.newUid();
        List<TestDicom> three = List.of(1, 2, 3).stream().map(n -> TestDicom.ct(patient).study(study).series(series)
                .number(n).seed(700 + n).size(16)).toList();
        Dicomweb.stow(TestRealm.ingestToken(), three.stream().map(TestDicom::bytes).toList()).then().statusCode(200);
        Response middle = asPatient().accept("image/png").get("/dicomweb/studies/" + study + "/series/" + series
                + "/thumbnail");
        middle.then().statusCode(200).contentType("image/png");
        BufferedImage picture = image(middle);
        byte[] file = three.get(1).bytes();
        int pixels = file.length - 16 * 16 * 2;
        assertThat(picture.getWidth()).isEqualTo(16);
        for (int i = 0; i < 16 * 16; i++) {
            int stored = (file[pixels + 2 * i] & 0xFF) | (file[pixels + 2 * i + 1] & 0xFF) << 8;
            assertThat(picture.getRaster().getSample(i % 16, i / 16, 0)).as("pixel %d", i)
                    .isEqualTo(linear(stored, 1024, 2048));
        }
        asPatient().get("/dicomweb/studies/" + study + "/series/" + TestDicom.newUid() + "/thumbnail").then()
                .statusCode(404).contentType("application/problem+json");
    }

    /** Successful releases of one instance audited for the actor (a link's audit actor, or an account). */
    private String singleInstanceReleases(String actor) throws Exception {
        return Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'instance.retrieve' AND outcome = 'success' AND detail->>'instances' = '1'", actor);
    }

    private String disclosures(String basis) throws Exception {
        return Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.disclosure WHERE basis = ?", basis);
    }

    @Test
    void underALinkForOneSeriesOnlyThatSeriesRendersEachReadDisclosedAndNothingOnceRevoked() throws Exception {
        Issued link = ShareLinks.issue(patientToken, studyId, Map.of("seriesUids", List.of(seriesUid(1))));
        String session = ShareLinks.openSession(link);
        String root = link.path() + "/dicomweb";
        String inScope = instance(root, 1) + "/rendered";
        String frame = instance(root, 1) + "/frames/2/rendered";

        Response png = given().cookie("portal_link", session).accept("image/png")
                .queryParam("window", "-300,1200,linear").get(inScope);
        png.then().statusCode(200).contentType("image/png");
        assertWindowed(image(png), 0, -300, 1200);
        assertThat(disclosures("link:" + link.id())).isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT recipient_kind || '|' || recipient_name || '|' || "
                + "recipient_claimed || '|' || action FROM portal.disclosure WHERE basis = ?", "link:" + link.id()))
                .isEqualTo("LINK|Dr Amara Okafor|" + ShareLinks.CLAIMED_NAME + "|VIEW");
        assertThat(singleInstanceReleases("link:" + link.id())).isEqualTo("1");
        given().cookie("portal_link", session).get(frame).then().statusCode(200).contentType("image/jpeg");
        assertThat(disclosures("link:" + link.id())).isEqualTo("2");
        String thumbnail = root + "/studies/" + studyUid + "/series/" + seriesUid(1) + "/thumbnail";
        given().cookie("portal_link", session).get(thumbnail).then().statusCode(200).contentType("image/jpeg");
        given().cookie("portal_link", session).get(instance(root, 1) + "/thumbnail").then().statusCode(200);
        assertThat(disclosures("link:" + link.id())).isEqualTo("4");

        // another series of the same study, and the study under the API's root, are out of the link's reach
        given().cookie("portal_link", session).get(instance(root, 2) + "/rendered").then().statusCode(404);
        given().cookie("portal_link", session).get(instance(root, 2) + "/thumbnail").then().statusCode(404);
        given().cookie("portal_link", session).get(root + "/studies/" + studyUid + "/series/" + seriesUid(2)
                + "/thumbnail").then().statusCode(404);
        given().get(instance(root, 1) + "/rendered").then().statusCode(404);
        given().cookie("portal_link", session).get(instance("/dicomweb", 1) + "/rendered").then().statusCode(401);

        given().auth().oauth2(patientToken).post("/api/sharing/links/" + link.id() + "/revocation").then()
                .statusCode(200);
        for (String path : List.of(inScope, frame, thumbnail)) {
            given().cookie("portal_link", session).get(path).then().statusCode(404)
                    .contentType("application/problem+json");
        }
        assertThat(disclosures("link:" + link.id())).isEqualTo("4");
    }

    @Test
    void aPhysiciansRenderedReadInTheViewerIsDisclosedAndEndsWithTheGrant() throws Exception {
        TestRealm.User physician = TestRealm.createUser("provider");
        String providerId = Physicians.register(db, physician, "Dr Rendered Reader", "Hillside Radiology");
        String grant = given().auth().oauth2(patientToken).contentType(ContentType.JSON)
                .body(Map.of("studyId", studyId, "providerId", providerId, "purpose", "TREATMENT", "download", false))
                .post("/api/sharing/grants").then().statusCode(201).extract().path("id");

        Page page = browser.newPage();
        page.navigate(url("/provider/shared"));
        Browser.signIn(page, physician);
        page.waitForURL(url("/provider/shared"));
        Map<String, String> cookies = new LinkedHashMap<>();
        for (Cookie cookie : page.context().cookies()) {
            if (url("/").contains(cookie.domain)) {
                cookies.put(cookie.name, cookie.value);
            }
        }
        page.context().close();

        String rendered = instance("/viewer/dicomweb", 2) + "/rendered";
        Response png = given().redirects().follow(false).cookies(cookies).accept("image/png")
                .queryParam("window", "-300,1200,linear").get(rendered);
        png.then().statusCode(200).contentType("image/png");
        assertWindowed(image(png), 0, -300, 1200);
        assertThat(Dicomweb.queryString(db, "SELECT recipient_kind || '|' || recipient_ref || '|' || action "
                + "FROM portal.disclosure WHERE basis = ?", "grant:" + grant)).isEqualTo("PROVIDER|" + providerId
                        + "|VIEW");
        assertThat(singleInstanceReleases(physician.id())).isEqualTo("1");

        given().auth().oauth2(patientToken).post("/api/sharing/grants/" + grant + "/revocation").then()
                .statusCode(200);
        given().redirects().follow(false).cookies(cookies).get(rendered).then().statusCode(404);
        assertThat(disclosures("grant:" + grant)).isEqualTo("1");
    }
}
