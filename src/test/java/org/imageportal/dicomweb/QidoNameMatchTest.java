package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A Person Name key matches as the standard says whatever form it takes (a whole name, a prefix, wildcards inside),
 * without regard to case, and the characters SQL treats as patterns are matched literally.
 */
@QuarkusTest
class QidoNameMatchTest {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    private static final String FAMILY = "Name_match" + SUFFIX;
    private static String token;

    @BeforeEach
    void storeOnce() {
        if (token != null) {
            return;
        }
        TestDicom.Patient p = TestDicom.Patient.random().withName(FAMILY + "^Ann");
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(p).seed(41).bytes())).then().statusCode(200);
        token = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
    }

    private static List<String> found(String patientName) {
        return given().auth().oauth2(token).queryParam("PatientName", patientName).get("/dicomweb/studies").then()
                .statusCode(200).extract().jsonPath().getList("'00100010'.Value[0].Alphabetic", String.class);
    }

    @Test
    void aWholeNameMatchesInAnyCase() {
        assertThat(found(FAMILY + "^Ann")).containsExactly(FAMILY + "^Ann");
        assertThat(found((FAMILY + "^ANN").toLowerCase())).containsExactly(FAMILY + "^Ann");
        assertThat(found(FAMILY)).isEmpty();
    }

    @Test
    void aPrefixMatchesInAnyCase() {
        assertThat(found(FAMILY.toUpperCase() + "*")).containsExactly(FAMILY + "^Ann");
        assertThat(found(FAMILY.toLowerCase() + "^a*")).containsExactly(FAMILY + "^Ann");
        assertThat(found(FAMILY + "^B*")).isEmpty();
    }

    @Test
    void wildcardsInsideStillMatch() {
        assertThat(found("Name?match" + SUFFIX + "*")).containsExactly(FAMILY + "^Ann");
        assertThat(found("*match" + SUFFIX + "^ann")).containsExactly(FAMILY + "^Ann");
    }

    @Test
    void patternCharactersOfSqlAreLiteral() {
        assertThat(found("NameXmatch" + SUFFIX + "*")).isEmpty();
        assertThat(found("Name%" + SUFFIX + "*")).isEmpty();
    }
}
