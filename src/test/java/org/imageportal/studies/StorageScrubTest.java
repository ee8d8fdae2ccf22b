package org.imageportal.studies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.ObjectStore;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The read-back scrub finds a stored image the store lost or altered, and reports it by opaque id; intact images
 * pass, and the walk goes on where it stopped.
 */
@QuarkusTest
class StorageScrubTest {

    @Inject
    DataSource db;

    @Inject
    ObjectStore store;

    @Inject
    StorageScrubService scrub;

    @Test
    void anAlteredOrLostImageIsFoundAndReportedAndAnIntactOnePasses() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom intact = TestDicom.ct(patient).seed(401);
        TestDicom altered = TestDicom.ct(patient).seed(402);
        TestDicom lost = TestDicom.ct(patient).seed(403);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(intact.bytes(), altered.bytes(), lost.bytes())).then()
                .statusCode(200);
        UUID good = instance(intact);
        UUID bad = instance(altered);
        UUID gone = instance(lost);

        store.put(objectKey(bad), new byte[]{0x50, 0x4f, 0x52, 0x54, 0x41, 0x4c});
        store.delete(objectKey(gone));

        assertThat(scrub.check(good).intact()).isTrue();
        assertThat(scrub.check(bad).problem()).startsWith("unreadable");
        assertThat(scrub.check(gone).problem()).startsWith("unreadable");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE action = "
                + "'storage.scrub' AND outcome = 'failed' AND entity = ?", "instance:" + bad)).isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE action = "
                + "'storage.scrub' AND entity = ?", "instance:" + good)).isEqualTo("0");
    }

    @Test
    void eachRunGoesOnWhereTheLastStopped() throws Exception {
        List<StorageScrubService.Check> first = scrub.runOnce(2);
        List<StorageScrubService.Check> second = scrub.runOnce(2);
        assertThat(first).isNotEmpty();
        if (first.size() == 2 && !second.isEmpty()) {
            assertThat(second.getFirst().instance().toString())
                    .as("the walk goes on in id order, or starts over after a full pass")
                    .satisfiesAnyOf(next -> assertThat(next).isGreaterThan(first.getLast().instance().toString()),
                            next -> assertThat(Dicomweb.queryString(db, "SELECT passes::text FROM "
                                    + "portal.scrub_position WHERE walk = ?", StorageScrubService.WALK))
                                    .isNotEqualTo("0"));
        }
    }

    private UUID instance(TestDicom dicom) throws Exception {
        return UUID.fromString(Dicomweb.queryString(db,
                "SELECT id::text FROM portal.instance WHERE sop_instance_uid = ?", dicom.sopInstanceUid()));
    }

    private ObjectKey objectKey(UUID instance) throws Exception {
        return new ObjectKey(Dicomweb.queryString(db, "SELECT object_key FROM portal.instance WHERE id = ?::uuid",
                instance.toString()));
    }
}
