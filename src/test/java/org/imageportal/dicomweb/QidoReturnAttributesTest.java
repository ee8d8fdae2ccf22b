package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;

/**
 * QIDO-RS answers with the return keys PS3.18 requires at series and instance level, and with the attributes
 * {@code includefield} names (or all of an instance's, for {@code includefield=all}) from the instance's metadata.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QidoReturnAttributesTest {

    String frontdesk;
    TestDicom image;

    @BeforeAll
    void image() {
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        image = TestDicom.ct(TestDicom.Patient.random()).size(32)
                .performedFor("20260114", "093000", "RP-77", "SPS-12");
    }

    private boolean stored;

    private List<Map<String, Object>> search(String path) {
        if (!stored) {
            Dicomweb.stow(TestRealm.ingestToken(), List.of(image.bytes())).then().statusCode(200);
            stored = true;
        }
        return given().auth().oauth2(frontdesk).accept("application/dicom+json").get(path).then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    private static Object value(Map<String, Object> json, String tag) {
        @SuppressWarnings("unchecked")
        Map<String, Object> element = (Map<String, Object>) json.get(tag);
        assertThat(element).as(tag).isNotNull();
        List<?> values = (List<?>) element.get("Value");
        return values == null ? null : values.getFirst();
    }

    @Test
    void seriesCarryThePerformedStepAndTheRequestAttributes() {
        Map<String, Object> series = search("/dicomweb/studies/" + image.studyUid() + "/series").getFirst();
        assertThat(value(series, "00400244")).isEqualTo("20260114");
        assertThat(value(series, "00400245")).isEqualTo("093000");
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) value(series, "00400275");
        assertThat(value(request, "00401001")).isEqualTo("RP-77");
        assertThat(value(request, "00400009")).isEqualTo("SPS-12");
        assertThat(value(request, "00080050")).isEqualTo(image.accessionNumber());
    }

    @Test
    void instancesCarryAvailabilityAndBitsAllocated() {
        Map<String, Object> instance = search(
                "/dicomweb/studies/" + image.studyUid() + "/series/" + image.seriesUid() + "/instances").getFirst();
        assertThat(value(instance, "00080056")).isEqualTo("ONLINE");
        assertThat(value(instance, "00280100")).isEqualTo(16);
        assertThat(instance).doesNotContainKeys("00280030", "00080008");
        assertThat(List.copyOf(instance.keySet())).isSorted();
    }

    @Test
    void includefieldAddsNamedAttributesFromTheMetadata() {
        String base = "/dicomweb/studies/" + image.studyUid() + "/instances";
        Object spacing = value(search(base + "?includefield=00280030").getFirst(), "00280030");
        assertThat(((Number) spacing).doubleValue()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
        Map<String, Object> byKeyword = search(base + "?includefield=PixelSpacing,ImageType").getFirst();
        assertThat(byKeyword).containsKeys("00280030", "00080008").doesNotContainKey("00281050");
    }

    @Test
    void includefieldAllAddsTheInstancesAttributesButNotThePatientsOrBinaryOnes() {
        Map<String, Object> all = search("/dicomweb/studies/" + image.studyUid() + "/instances?includefield=all")
                .getFirst();
        assertThat(all).containsKeys("00280030", "00080008", "00281050", "00281051", "00280004", "00180015");
        assertThat(all).doesNotContainKeys("00100010", "00100020", "00100030", "7FE00010");
        assertThat(value(all, "00080018")).isEqualTo(image.sopInstanceUid());
    }
}
