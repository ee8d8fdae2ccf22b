package org.imageportal.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.AdjustableClock;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Retention with a controllable clock: the report lists what is due, the longest overdue first, without deleting;
 * a legal hold keeps a study; a purge destroys the key and the objects, ends links, and keeps a tombstone, the
 * audit entries and the disclosure records; minors' studies are kept until they are 21.
 */
@QuarkusTest
class RetentionTest {

    @Inject
    DataSource db;

    @Inject
    AdjustableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private record Stored(TestDicom dicom, String id, TestRealm.User owner, String token) {
    }

    private Stored store(TestDicom.Patient patient, String studyDate) throws Exception {
        TestDicom dicom = TestDicom.ct(patient).studyDate(studyDate).seed(System.nanoTime());
        Dicomweb.stow(TestRealm.ingestToken(), List.of(dicom.bytes())).then().statusCode(200);
        TestRealm.User owner = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        return new Stored(dicom, Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                dicom.studyUid()), owner, TestRealm.mfaToken(owner));
    }

    private static List<String> due(String officer) {
        return given().auth().oauth2(officer).get("/api/retention/report").then().statusCode(200).extract()
                .jsonPath().getList("studyId");
    }

    @Test
    void dueStudiesAreReportedHeldOrPurgedLeavingTheRecords() throws Exception {
        String officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        Stored old = store(TestDicom.Patient.random(), "20080301");
        Stored older = store(TestDicom.Patient.random(), "20050301");
        Stored held = store(TestDicom.Patient.random(), "20090301");
        java.time.LocalDate today = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC);
        java.time.format.DateTimeFormatter da = java.time.format.DateTimeFormatter.BASIC_ISO_DATE;
        // 7 years after this one ends in five days
        Stored soon = store(TestDicom.Patient.random(), today.minusYears(7).plusDays(5).format(da));
        // a child's study from 2010: kept until the 21st birthday, in fifteen days
        Stored child = store(TestDicom.Patient.random().withBirthDate(today.minusYears(21).plusDays(15).format(da)),
                "20100301");
        ShareLinks.Issued link = ShareLinks.issue(old.token(), old.id(), Map.of());
        String session = ShareLinks.openSession(link);
        given().cookie("portal_link", session).get(link.path() + "/dicomweb/studies/" + old.dicom().studyUid()
                + "/metadata").then().statusCode(200);
        String objectKey = Dicomweb.objectKey(db, old.dicom().sopInstanceUid());

        List<String> due = due(officer);
        assertThat(due).contains(old.id(), older.id(), held.id()).doesNotContain(soon.id(), child.id());
        // the longest overdue first
        assertThat(due.indexOf(older.id())).isLessThan(due.indexOf(old.id()));
        // the report deletes nothing
        assertThat(Dicomweb.objectKey(db, old.dicom().sopInstanceUid())).isEqualTo(objectKey);

        given().auth().oauth2(officer).contentType(ContentType.JSON).body(Map.of("reason", " "))
                .post("/api/retention/holds/" + held.id()).then().statusCode(400);
        given().auth().oauth2(officer).contentType(ContentType.JSON)
                .body(Map.of("reason", "Litigation hold, case 26-CV-0123")).post("/api/retention/holds/" + held.id())
                .then().statusCode(204);

        JsonPath purge = given().auth().oauth2(officer).post("/api/retention/purge").then().statusCode(200)
                .extract().jsonPath();
        assertThat(purge.getList("purged")).contains(old.id(), older.id()).doesNotContain(held.id(), soon.id(),
                child.id());
        assertThat(purge.getList("held")).contains(held.id());

        // gone: key with the row, the object, the link; kept: tombstone, audit, disclosure
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.study WHERE id = ?::uuid", old.id()))
                .isEqualTo("0");
        assertThat(Files.exists(Dicomweb.bucketDir().resolve(objectKey))).isFalse();
        given().redirects().follow(false).get(link.path()).then().statusCode(404);
        assertThat(Dicomweb.queryString(db, "SELECT rule FROM portal.study_tombstone WHERE study_id = ?::uuid",
                old.id())).isEqualTo("Adults: 7 years after the study");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.disclosure WHERE study_ref = ?::uuid",
                old.id())).isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT string_agg(action, ',') FROM portal.audit_event WHERE entity = ?",
                "study:" + old.id())).contains("study.retrieve", "study.delete");
        assertThat(Dicomweb.queryString(db, "SELECT detail->>'reason' FROM portal.audit_event WHERE entity = ? "
                + "AND action = 'study.delete'", "study:" + old.id())).isEqualTo("RETENTION_ENDED");
        // the held study stays and can still be read by its patient
        given().auth().oauth2(held.token()).get("/dicomweb/studies/" + held.dicom().studyUid() + "/metadata").then()
                .statusCode(200);

        // time passes: the seven-year study comes due, and the child's one only after the 21st birthday
        clock.advance(Duration.ofDays(10));
        assertThat(due(officer)).contains(soon.id()).doesNotContain(child.id());
        clock.advance(Duration.ofDays(20));
        assertThat(due(officer)).contains(soon.id(), child.id());

        // a released hold is purged with the next run
        given().auth().oauth2(officer).post("/api/retention/holds/" + held.id() + "/release").then().statusCode(204);
        assertThat(given().auth().oauth2(officer).post("/api/retention/purge").then().statusCode(200).extract()
                .jsonPath().getList("purged")).contains(held.id(), soon.id(), child.id());

        // only the privacy officer
        given().auth().oauth2(old.token()).get("/api/retention/report").then().statusCode(403);
        given().auth().oauth2(old.token()).post("/api/retention/purge").then().statusCode(403);
    }
}
