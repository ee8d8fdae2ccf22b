package org.imageportal.studies;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The security matrix of sharing: every endpoint that releases a study under a grant or a link, asked by everyone
 * who might ask, with the answer each must get. Grants: the physician it names (view and download, view only), a
 * physician it does not name, the same physician after revocation. Links: the recipient with the link's session,
 * without one, with another link's session, a signed-in patient's bearer token, and the recipient after
 * revocation. Not found (404) wherever the asker has no business, so nothing reveals that a study exists.
 */
@QuarkusTest
class SharingAccessMatrixTest {

    private static final String MULTIPART = "multipart/related; type=\"application/dicom\"";

    @Inject
    DataSource db;

    private String registerPhysician(TestRealm.User user) throws Exception {
        return Physicians.register(db, user, "Dr " + user.username(), "Matrix Clinic");
    }

    /** Every path that releases the study or part of it, with the Accept header it is asked with. */
    private static Map<String, String> releasePaths(String root, TestDicom d) {
        String study = root + "/studies/" + d.studyUid();
        String instance = study + "/series/" + d.seriesUid() + "/instances/" + d.sopInstanceUid();
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put(study + "/series", "application/dicom+json");
        paths.put(study + "/series/" + d.seriesUid() + "/instances", "application/dicom+json");
        paths.put(study, MULTIPART);
        paths.put(study + "/series/" + d.seriesUid(), MULTIPART);
        paths.put(instance, "application/dicom");
        paths.put(study + "/metadata", "application/dicom+json");
        paths.put(study + "/series/" + d.seriesUid() + "/metadata", "application/dicom+json");
        paths.put(instance + "/metadata", "application/dicom+json");
        paths.put(instance + "/bulkdata/7FE00010", "multipart/related; type=\"application/octet-stream\"");
        paths.put(instance + "/frames/1", "multipart/related; type=\"application/octet-stream\"");
        return paths;
    }

    private static List<String> check(Map<String, String> paths,
            Function<RequestSpecification, RequestSpecification> who,
            int expected, String label) {
        List<String> wrong = new ArrayList<>();
        paths.forEach((path, accept) -> {
            int status = who.apply(given().redirects().follow(false).accept(accept)).get(path).statusCode();
            // QIDO answers an empty list rather than 404 for what is out of reach
            boolean search = path.endsWith("/series") || path.endsWith("/instances");
            int want = expected == 404 && search && !path.startsWith("/s/") ? 200 : expected;
            if (status != want) {
                wrong.add(label + " GET " + path + " -> " + status + " (expected " + want + ")");
            }
        });
        return wrong;
    }

    @Test
    void grantsReleaseOnlyToTheNamedPhysicianWhileTheyLast() throws Exception {
        PatientWithStudy fixture = PatientWithStudy.create(db, 41);
        TestDicom d = fixture.study();
        String ownerToken = fixture.ownerToken();
        String studyId = fixture.studyId();
        TestRealm.User xUser = TestRealm.createUser("provider");
        TestRealm.User vUser = TestRealm.createUser("provider");
        TestRealm.User yUser = TestRealm.createUser("provider");
        String xId = registerPhysician(xUser);
        String vId = registerPhysician(vUser);
        registerPhysician(yUser);
        String x = TestRealm.mfaToken(xUser);
        String v = TestRealm.mfaToken(vUser);
        String y = TestRealm.mfaToken(yUser);
        String grantX = grant(ownerToken, studyId, xId, true);
        grant(ownerToken, studyId, vId, false);

        Map<String, String> paths = releasePaths("/dicomweb", d);
        Map<String, String> archive = Map.of("/api/studies/" + studyId + "/archive", "application/zip");
        List<String> wrong = new ArrayList<>();
        wrong.addAll(check(paths, r -> r.auth().oauth2(x), 200, "physician with the grant"));
        wrong.addAll(check(archive, r -> r.auth().oauth2(x), 200, "physician with a download grant"));
        wrong.addAll(check(paths, r -> r.auth().oauth2(v), 200, "physician with a view-only grant"));
        wrong.addAll(check(archive, r -> r.auth().oauth2(v), 403, "physician with a view-only grant"));
        wrong.addAll(check(paths, r -> r.auth().oauth2(y), 404, "physician without a grant"));
        wrong.addAll(check(archive, r -> r.auth().oauth2(y), 404, "physician without a grant"));
        wrong.addAll(check(paths, r -> r, 401, "anonymous"));
        given().auth().oauth2(ownerToken).post("/api/sharing/grants/" + grantX + "/revocation").then().statusCode(200);
        wrong.addAll(check(paths, r -> r.auth().oauth2(x), 404, "physician after revocation"));
        wrong.addAll(check(archive, r -> r.auth().oauth2(x), 404, "physician after revocation"));
        assertThat(wrong).isEmpty();
    }

    @Test
    void linksReleaseOnlyWithTheirOwnSessionWhileTheyLast() throws Exception {
        PatientWithStudy fixture = PatientWithStudy.create(db, 42);
        TestDicom d = fixture.study();
        String ownerToken = fixture.ownerToken();
        String studyId = fixture.studyId();
        Issued link = ShareLinks.issue(ownerToken, studyId, Map.of("download", true));
        Issued other = ShareLinks.issue(ownerToken, studyId, Map.of("download", true));
        String session = ShareLinks.openSession(link);
        String otherSession = ShareLinks.openSession(other);

        Map<String, String> paths = releasePaths(link.path() + "/dicomweb", d);
        Map<String, String> pages = Map.of(link.path() + "/download", "application/zip", link.path() + "/view",
                "text/html", link.path() + "/study", "text/html");
        List<String> wrong = new ArrayList<>();
        wrong.addAll(check(paths, r -> r.cookie("portal_link", session), 200, "recipient with the session"));
        wrong.addAll(check(pages, r -> r.cookie("portal_link", session), 200, "recipient with the session"));
        wrong.addAll(check(paths, r -> r, 404, "no session"));
        wrong.addAll(check(pages, r -> r, 303, "no session (asked for the code)"));
        wrong.addAll(check(paths, r -> r.cookie("portal_link", otherSession), 404, "another link's session"));
        wrong.addAll(check(paths, r -> r.auth().oauth2(ownerToken), 404, "the patient's bearer token"));
        given().auth().oauth2(ownerToken).contentType(ContentType.JSON)
                .post("/api/sharing/links/" + link.id() + "/revocation").then().statusCode(200);
        wrong.addAll(check(paths, r -> r.cookie("portal_link", session), 404, "recipient after revocation"));
        wrong.addAll(check(pages, r -> r.cookie("portal_link", session), 404, "recipient after revocation"));
        assertThat(wrong).isEmpty();
    }

    private static String grant(String ownerToken, String studyId, String providerId, boolean download) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("studyId", studyId);
        body.put("providerId", providerId);
        body.put("purpose", "TREATMENT");
        body.put("download", download);
        return given().auth().oauth2(ownerToken).contentType(ContentType.JSON).body(body).post("/api/sharing/grants")
                .then().statusCode(201).extract().path("id");
    }
}
