package org.imageportal.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Searches leave a trace: who searched, at which level, with which criteria (their names, never their values), and
 * how much they found; asking for a study that exists but is not the caller's is recorded as refused, while the
 * caller sees the same 404 as for a study that does not exist.
 */
@QuarkusTest
class SearchAuditTest {

    @Inject
    DataSource db;

    private String lastDetail(String actor, String action, String outcome) throws Exception {
        return Dicomweb.queryString(db, "SELECT coalesce((SELECT detail::text || ' @' || coalesce(entity, '') "
                + "FROM portal.audit_event WHERE actor = ? AND action = '" + action + "' AND outcome = '" + outcome
                + "' ORDER BY id DESC LIMIT 1), '')", actor);
    }

    @Test
    void aQidoSearchIsAuditedWithTheCriteriaNamesOnly() throws Exception {
        TestDicom.Patient p = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(p).seed(31);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User desk = TestRealm.createUser("frontdesk");
        String token = TestRealm.mfaToken(desk);
        given().auth().oauth2(token).queryParam("PatientName", "Testpatient*").queryParam("00100020", p.id())
                .get("/dicomweb/studies").then().statusCode(200);
        String detail = lastDetail(desk.id(), "query.studies", "success");
        assertThat(detail).contains("PatientID,PatientName").contains("\"found\": 1");
        assertThat(detail).doesNotContain(p.id()).doesNotContain("Testpatient");

        given().auth().oauth2(token).get("/dicomweb/studies/" + study.studyUid() + "/series").then().statusCode(200);
        assertThat(lastDetail(desk.id(), "query.series", "success")).contains("\"found\": 1");

        // what the search did not do as asked is said, not silently dropped
        io.restassured.response.Response fuzzy = given().auth().oauth2(token).queryParam("PatientName", "Testpatient*")
                .queryParam("fuzzymatching", "true").queryParam("00181030", "x").get("/dicomweb/studies");
        fuzzy.then().statusCode(200);
        assertThat(fuzzy.headers().getValues("Warning")).anyMatch(w -> w.startsWith("299 ")
                && w.contains("fuzzymatching")).anyMatch(w -> w.contains("1 matching key(s) not supported"));
        assertThat(lastDetail(desk.id(), "query.studies", "success")).contains("PatientName,1 other");
    }

    @Test
    void anotherPatientsStudyIsA404ThatIsRecordedAsRefused() throws Exception {
        TestDicom.Patient theirs = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(theirs).seed(32);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                study.studyUid());
        TestRealm.User me = TestRealm.createUser("patient");
        String token = TestRealm.mfaToken(me);

        given().auth().oauth2(token).get("/dicomweb/studies/" + study.studyUid() + "/metadata").then()
                .statusCode(404);
        assertThat(lastDetail(me.id(), "study.retrieve", "refused")).endsWith("@study:" + studyId);

        given().auth().oauth2(token).get("/dicomweb/studies/" + study.studyUid() + "/series").then()
                .statusCode(200);
        assertThat(lastDetail(me.id(), "query.series", "refused")).endsWith("@study:" + studyId);

        // a study that does not exist: the same answer, nothing to record against
        given().auth().oauth2(token).get("/dicomweb/studies/" + TestDicom.newUid() + "/metadata").then()
                .statusCode(404);
    }

    @Test
    void aSearchInOnesOwnStudyThatFindsNothingIsNoRefusal() throws Exception {
        TestDicom.Patient mine = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(mine).seed(33);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User me = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, mine.id(), me.id());
        String token = TestRealm.mfaToken(me);
        given().auth().oauth2(token).queryParam("Modality", "MR")
                .get("/dicomweb/studies/" + study.studyUid() + "/series").then().statusCode(200);
        assertThat(lastDetail(me.id(), "query.series", "success")).contains("\"found\": 0");
        assertThat(lastDetail(me.id(), "query.series", "refused")).isEmpty();
    }
}
