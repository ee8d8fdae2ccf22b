package org.imageportal.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** A refused request (403) is an audit entry: who, which method, which path (ids replaced). */
@QuarkusTest
class DeniedAccessTest {

    @Inject
    DataSource db;

    /**
     * The caller's latest access.denied entry once it reads as expected (it is written after the response, so it
     * may lag the response a little), or what it is after five seconds.
     */
    private String lastDenial(String actor, String expected) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            String found = Dicomweb.queryString(db, "SELECT detail->>'method' || ' ' || (detail->>'path') "
                    + "FROM portal.audit_event WHERE action = 'access.denied' AND actor = ? ORDER BY id DESC LIMIT 1",
                    actor);
            if (expected.equals(found) || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aRefusedRequestIsRecordedWithItsCallerAndAPathWithoutIds() throws Exception {
        TestRealm.User patient = TestRealm.createUser("patient");
        String token = TestRealm.mfaToken(patient);
        given().auth().oauth2(token).get("/api/audit/verify").then().statusCode(403);
        assertThat(lastDenial(patient.id(), "GET /api/audit/verify")).isEqualTo("GET /api/audit/verify");
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/patients/" + UUID.randomUUID() + "/disclosures").then().statusCode(403);
        assertThat(lastDenial(patient.id(), "POST /api/accounting/patients/{id}/disclosures"))
                .isEqualTo("POST /api/accounting/patients/{id}/disclosures");
    }

    @Test
    void idsInPathsAreReplaced() {
        assertThat(DeniedAccessRecorder.template("/dicomweb/studies/2.25.1234/series/1.2.3/instances/7"))
                .isEqualTo("/dicomweb/studies/{id}/series/{id}/instances/{id}");
        assertThat(DeniedAccessRecorder.template("/s/AbCdEf123_-x/dicomweb")).isEqualTo("/s/{id}/dicomweb");
        assertThat(DeniedAccessRecorder.template("/api/patients/" + UUID.randomUUID() + "/access"))
                .isEqualTo("/api/patients/{id}/access");
    }
}
