package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.DbOwner;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * DICOMweb and downloads under a share link: only the linked study (not another study of the same patient), only
 * with the link's session, each release audited as the link and disclosed to the named recipient in the same
 * transaction (a failure to record releases nothing), downloads only when allowed, and nothing at all once revoked.
 */
@QuarkusTest
class LinkDicomWebTest {

    private static final String MULTIPART = "multipart/related; type=\"application/dicom\"";

    @Inject
    DataSource db;

    private static String patientToken;
    private static TestDicom.Patient patient;
    private static List<TestDicom> linked;
    private static TestDicom other;
    private static String linkedId;

    @BeforeEach
    void setUp() throws Exception {
        if (patientToken != null) {
            return;
        }
        patient = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        String series1 = TestDicom.newUid();
        String series2 = TestDicom.newUid();
        linked = List.of(TestDicom.ct(patient).study(study).series(series1).seed(1).number(1),
                TestDicom.ct(patient).study(study).series(series1).seed(2).number(2),
                TestDicom.ct(patient).study(study).seed(3).number(1).series(series2).seriesNumber(2));
        other = TestDicom.ct(patient).seed(4);
        List<byte[]> all = new ArrayList<>();
        linked.forEach(d -> all.add(d.bytes()));
        all.add(other.bytes());
        Dicomweb.stow(TestRealm.ingestToken(), all).then().statusCode(200);
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        patientToken = TestRealm.mfaToken(user);
        linkedId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", study);
    }

    private static RequestSpecification as(String session) {
        RequestSpecification spec = given().redirects().follow(false);
        return session == null ? spec : spec.cookie("portal_link", session);
    }

    private String disclosures(Issued link) throws Exception {
        return Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.disclosure WHERE basis = ?",
                "link:" + link.id());
    }

    /**
     * A recipient's first request runs on the event loop and writes a small study's metadata at once; an instance
     * whose metadata the index does not hold (stored before it did) sends the answer to a worker thread that reads
     * the store and streams. Both give the same answer, and a tampered entry is a problem, never a partial answer.
     */
    @Test
    void studyMetadataIsTheSameWrittenAtOnceOrStreamedFromTheStore() throws Exception {
        Issued link = ShareLinks.issue(patientToken, linkedId, Map.of());
        String session = ShareLinks.openSession(link);
        String path = link.path() + "/dicomweb/studies/" + linked.getFirst().studyUid() + "/metadata";
        String second = linked.get(1).sopInstanceUid();
        byte[] sealed = Dicomweb.metadataColumn(db, second);
        assertThat(sealed).isNotNull();

        Response atOnce = as(session).get(path);
        assertThat(atOnce.statusCode()).isEqualTo(200);
        assertThat(atOnce.contentType()).startsWith("application/dicom+json");
        List<Object> expected = atOnce.jsonPath().getList("$");
        assertThat(expected).hasSize(3);
        try {
            Dicomweb.setMetadataColumn(db, second, null);
            Response streamed = as(session).get(path);
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(streamed.contentType()).startsWith("application/dicom+json");
            assertThat(streamed.jsonPath().getList("$")).isEqualTo(expected);

            byte[] flipped = sealed.clone();
            flipped[flipped.length / 2] ^= 0x01;
            Dicomweb.setMetadataColumn(db, second, flipped);
            as(session).get(path).then().statusCode(500).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("integrity"));
        } finally {
            Dicomweb.setMetadataColumn(db, second, sealed);
        }
        assertThat(as(session).get(path).jsonPath().getList("$")).isEqualTo(expected);
    }

    /** A study larger than what is written at once streams its metadata in batches, each instance once, in order. */
    @Test
    void aLargerStudysMetadataStreamsInBatches() throws Exception {
        String study = TestDicom.newUid();
        String series = TestDicom.newUid();
        int count = 2 * WadoResponses.METADATA_AT_ONCE + 3;
        List<byte[]> all = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            TestDicom d = TestDicom.ct(patient).study(study).series(series).number(i).seed(100 + i).size(16);
            all.add(d.bytes());
            uids.add(d.sopInstanceUid());
        }
        Dicomweb.stow(TestRealm.ingestToken(), all).then().statusCode(200);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?", study);
        Issued link = ShareLinks.issue(patientToken, studyId, Map.of());
        Response metadata = as(ShareLinks.openSession(link)).get(link.path() + "/dicomweb/studies/" + study
                + "/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.contentType()).startsWith("application/dicom+json");
        assertThat(metadata.jsonPath().getList("'00080018'.Value.flatten()", String.class))
                .containsExactlyElementsOf(uids);
    }

    @Test
    void theLinkReachesItsStudyOnlyAndEveryReleaseIsDisclosed() throws Exception {
        Issued link = ShareLinks.issue(patientToken, linkedId, Map.of());
        String session = ShareLinks.openSession(link);
        String root = link.path() + "/dicomweb/studies/";
        TestDicom a = linked.getFirst();

        // QIDO: the linked study's series, their RetrieveURLs under the link
        Response series = as(session).accept("application/dicom+json").get(root + a.studyUid() + "/series");
        assertThat(series.statusCode()).isEqualTo(200);
        assertThat(series.jsonPath().getList("'0020000E'.Value.flatten()", String.class))
                .containsExactlyInAnyOrder(a.seriesUid(), linked.get(2).seriesUid());
        assertThat(series.jsonPath().getList("'00081190'.Value.flatten()", String.class))
                .allMatch(url -> url.contains(link.path() + "/dicomweb/studies/" + a.studyUid() + "/series/"));
        assertThat(as(session).accept("application/dicom+json")
                .get(root + a.studyUid() + "/series/" + a.seriesUid() + "/instances").jsonPath()
                .getList("'00080018'.Value.flatten()", String.class))
                .containsExactly(a.sopInstanceUid(), linked.get(1).sopInstanceUid());

        // metadata: BulkDataURIs under the link
        Response metadata = as(session).get(root + a.studyUid() + "/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.jsonPath().getList("'7FE00010'.BulkDataURI", String.class)).hasSize(3)
                .allMatch(uri -> uri.contains(link.path() + "/dicomweb/studies/" + a.studyUid()));

        // WADO: the very bytes that were stored; a single instance; a frame
        String before = disclosures(link);
        Response study = as(session).accept(MULTIPART).get(root + a.studyUid());
        assertThat(study.statusCode()).isEqualTo(200);
        List<byte[]> parts = Dicomweb.parts(study);
        assertThat(parts).hasSize(3);
        assertThat(parts).anySatisfy(p -> assertThat(p).isEqualTo(a.bytes()));
        assertThat(Integer.parseInt(disclosures(link))).isEqualTo(Integer.parseInt(before) + 1);
        assertThat(Dicomweb.queryString(db, "SELECT recipient_claimed FROM portal.disclosure WHERE basis = ? "
                + "ORDER BY id DESC LIMIT 1", "link:" + link.id())).isEqualTo(ShareLinks.CLAIMED_NAME);
        assertThat(Dicomweb.queryString(db, "SELECT recipient_kind || '|' || recipient_name || '|' || action || '|' "
                + "|| purpose || '|' || recipient_ref || '|' || (description->>'instances') FROM portal.disclosure "
                + "WHERE basis = ? ORDER BY id DESC LIMIT 1", "link:" + link.id()))
                .isEqualTo("LINK|Dr Amara Okafor|VIEW|SECOND_OPINION|" + link.id() + "|3");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'study.retrieve' AND outcome = 'success'", "link:" + link.id())).isNotEqualTo("0");
        String instancePath = root + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopInstanceUid();
        assertThat(as(session).accept("application/dicom").get(instancePath).asByteArray()).isEqualTo(a.bytes());
        assertThat(as(session).accept("multipart/related; type=\"application/octet-stream\"")
                .get(instancePath + "/frames/1").statusCode()).isEqualTo(200);

        // another study of the same patient is out of reach, by any path
        String elsewhere = root + other.studyUid();
        assertThat(as(session).get(elsewhere + "/metadata").statusCode()).isEqualTo(404);
        assertThat(as(session).accept(MULTIPART).get(elsewhere).statusCode()).isEqualTo(404);
        assertThat(as(session).accept(MULTIPART).get(elsewhere + "/series/" + other.seriesUid()).statusCode())
                .isEqualTo(404);
        assertThat(as(session).get(elsewhere + "/series/" + other.seriesUid() + "/instances/"
                + other.sopInstanceUid() + "/metadata").statusCode()).isEqualTo(404);
        assertThat(as(session).accept("application/dicom").get(root + a.studyUid() + "/series/"
                + other.seriesUid() + "/instances/" + other.sopInstanceUid()).statusCode()).isEqualTo(404);
        assertThat(as(session).accept("application/dicom+json").get(elsewhere + "/series").jsonPath()
                .getList("$")).isEmpty();

        // without the session, with a forged one, or with another link's session: nothing
        Issued second = ShareLinks.issue(patientToken, linkedId, Map.of());
        String secondSession = ShareLinks.openSession(second);
        for (String wrong : new String[]{null, "forged", session.substring(0, session.length() - 2) + "AA",
                secondSession}) {
            assertThat(as(wrong).get(root + a.studyUid() + "/metadata").statusCode()).as(String.valueOf(wrong))
                    .isEqualTo(404);
        }
        assertThat(as(secondSession).get(second.path() + "/dicomweb/studies/" + a.studyUid() + "/metadata")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aLinkForChosenSeriesReachesThoseSeriesOnly() throws Exception {
        TestDicom a = linked.getFirst();
        TestDicom chosen = linked.get(2);
        given().auth().oauth2(patientToken).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("studyId", linkedId, "recipientName", "Dr Amara Okafor", "purpose", "TREATMENT",
                        "seriesUids", List.of(TestDicom.newUid())))
                .post("/api/sharing/links").then().statusCode(400);
        Issued link = ShareLinks.issue(patientToken, linkedId, Map.of("download", true, "seriesUids",
                List.of(chosen.seriesUid())));
        String session = ShareLinks.openSession(link);
        String root = link.path() + "/dicomweb/studies/" + a.studyUid();
        assertThat(as(session).accept("application/dicom+json").get(root + "/series").jsonPath()
                .getList("'0020000E'.Value.flatten()", String.class)).containsExactly(chosen.seriesUid());
        assertThat(Dicomweb.parts(as(session).accept(MULTIPART).get(root))).hasSize(1)
                .allSatisfy(p -> assertThat(p).isEqualTo(chosen.bytes()));
        assertThat(as(session).get(root + "/metadata").jsonPath().getList("$")).hasSize(1);
        assertThat(as(session).accept(MULTIPART).get(root + "/series/" + a.seriesUid()).statusCode())
                .isEqualTo(404);
        assertThat(as(session).accept("application/dicom").get(root + "/series/" + a.seriesUid() + "/instances/"
                + a.sopInstanceUid()).statusCode()).isEqualTo(404);
        assertThat(as(session).accept("application/dicom+json").get(root + "/series/" + a.seriesUid()
                + "/instances").jsonPath().getList("$")).isEmpty();
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(as(session).get(link.path()
                + "/download").asByteArray()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names.stream().filter(n -> n.startsWith("DICOM/"))).hasSize(1);
    }

    @Test
    void downloadsOnlyWhenTheLinkAllowsThem() throws Exception {
        Issued viewOnly = ShareLinks.issue(patientToken, linkedId, Map.of());
        Response refused = as(ShareLinks.openSession(viewOnly)).get(viewOnly.path() + "/download");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.asString()).contains("viewing only");
        assertThat(disclosures(viewOnly)).isEqualTo("0");

        Issued download = ShareLinks.issue(patientToken, linkedId, Map.of("download", true));
        Response zip = as(ShareLinks.openSession(download)).get(download.path() + "/download");
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.contentType()).isEqualTo("application/zip");
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.asByteArray()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("DICOMDIR", "README.txt");
        assertThat(names.stream().filter(n -> n.startsWith("DICOM/"))).hasSize(3);
        assertThat(Dicomweb.queryString(db, "SELECT action || '|' || recipient_name FROM portal.disclosure "
                + "WHERE basis = ?", "link:" + download.id())).isEqualTo("DOWNLOAD|Dr Amara Okafor");
    }

    @Test
    void aFailureToRecordTheDisclosureReleasesNothing() throws Exception {
        Issued link = ShareLinks.issue(patientToken, linkedId, Map.of("download", true));
        String session = ShareLinks.openSession(link);
        String study = link.path() + "/dicomweb/studies/" + linked.getFirst().studyUid();
        try (Connection owner = DbOwner.connect()) {
            owner.createStatement().execute("REVOKE INSERT ON portal.disclosure FROM " + DbOwner.appRole());
            try {
                for (Response refused : List.of(as(session).accept(MULTIPART).get(study),
                        as(session).get(study + "/metadata"), as(session).get(link.path() + "/download"))) {
                    assertThat(refused.statusCode()).isEqualTo(500);
                    assertThat(refused.contentType()).startsWith("application/problem+json");
                    assertThat(refused.asString()).doesNotContain("DICM").doesNotContain(patient.name());
                }
            } finally {
                owner.createStatement().execute("GRANT INSERT ON portal.disclosure TO " + DbOwner.appRole());
            }
        }
        assertThat(disclosures(link)).isEqualTo("0");
        assertThat(retrievalsAudited(link)).as("the audit entry goes with the disclosure").isEqualTo("0");
        assertThat(as(session).get(study + "/metadata").statusCode()).isEqualTo(200);
        assertThat(disclosures(link)).isEqualTo("1");
        assertThat(retrievalsAudited(link)).isEqualTo("1");
    }

    /** Counting an opening, notifying the patient and auditing it are one statement: all of it or none of it. */
    @Test
    void anOpeningIsCountedNotifiedAndAuditedTogetherOrNotAtAll() throws Exception {
        Issued link = ShareLinks.issue(patientToken, linkedId, Map.of());
        try (Connection owner = DbOwner.connect()) {
            owner.createStatement().execute("REVOKE INSERT ON portal.notification FROM " + DbOwner.appRole());
            try {
                assertThat(ShareLinks.postCode(link, link.code(), null).statusCode()).isEqualTo(500);
            } finally {
                owner.createStatement().execute("GRANT INSERT ON portal.notification TO " + DbOwner.appRole());
            }
        }
        assertThat(openingsCountedAndAudited(link)).isEqualTo("0|0");
        assertThat(ShareLinks.postCode(link, link.code(), null).statusCode()).isEqualTo(303);
        assertThat(openingsCountedAndAudited(link)).isEqualTo("1|1");
    }

    private String openingsCountedAndAudited(Issued link) throws Exception {
        return Dicomweb.queryString(db, "SELECT l.opens || '|' || (SELECT count(*) FROM portal.audit_event a "
                + "WHERE a.actor = 'link:' || l.id AND a.action = 'link.opened') FROM portal.share_link l "
                + "WHERE l.id = ?::uuid", link.id());
    }

    private String retrievalsAudited(Issued link) throws Exception {
        return Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'study.retrieve' AND outcome = 'success'", "link:" + link.id());
    }

    @Test
    void aRevokedLinkAnswersNothing() throws Exception {
        Issued link = ShareLinks.issue(patientToken, linkedId, Map.of("download", true));
        String session = ShareLinks.openSession(link);
        TestDicom a = linked.getFirst();
        String study = link.path() + "/dicomweb/studies/" + a.studyUid();
        String instance = study + "/series/" + a.seriesUid() + "/instances/" + a.sopInstanceUid();
        List<String> paths = List.of(study + "/series", study + "/series/" + a.seriesUid() + "/instances",
                study, study + "/metadata", study + "/series/" + a.seriesUid(), instance, instance + "/metadata",
                instance + "/frames/1", instance + "/bulkdata/7FE00010", link.path() + "/download");
        for (String path : paths) {
            assertThat(as(session).get(path).statusCode()).as(path).isEqualTo(200);
        }
        given().auth().oauth2(patientToken).post("/api/sharing/links/" + link.id() + "/revocation").then()
                .statusCode(200);
        for (String path : paths) {
            Response gone = as(session).get(path);
            assertThat(gone.statusCode()).as(path).isEqualTo(404);
            assertThat(gone.asString()).doesNotContain(link.path().substring(3));
        }
    }
}
