package org.imageportal.studies.ingest.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.security.auth.x500.X500Principal;

import org.imageportal.dicom.AssociateRequest.Rejection;
import org.imageportal.studies.ingest.IngestOutcome;
import org.imageportal.studies.ingest.QuarantineReason;
import org.junit.jupiter.api.Test;

/** Which association requests the AE registry accepts, and what each ingest outcome answers a C-STORE with. */
class PeerCheckTest {

    static final X500Principal MODALITY = new X500Principal("CN=CT 1,O=Radiology");

    static DimsePeer peer(String subject) {
        return new DimsePeer(UUID.randomUUID(), "CT1", "PORTAL", List.of("10.1.0.0/16", "2001:db8::/32"),
                Optional.ofNullable(subject), "", null, null);
    }

    @Test
    void aRegisteredNodeFromItsNetworkCallingItsAeTitleIsAccepted() {
        assertThat(PeerCheck.decide(Optional.of(peer(null)), "PORTAL", "10.1.2.3", Optional.of(MODALITY)))
                .isInstanceOf(PeerCheck.Accepted.class);
        assertThat(PeerCheck.decide(Optional.of(peer(null)), "PORTAL", "2001:db8::7", Optional.empty()))
                .isInstanceOf(PeerCheck.Accepted.class);
    }

    @Test
    void eachMismatchIsRefusedWithItsReason() {
        assertThat(PeerCheck.decide(Optional.empty(), "PORTAL", "10.1.2.3", Optional.of(MODALITY)))
                .isEqualTo(new PeerCheck.Refused(Rejection.CALLING_AE_NOT_RECOGNISED, "unknown-calling-ae-title"));
        assertThat(PeerCheck.decide(Optional.of(peer(null)), "PORTAL", "10.2.0.1", Optional.of(MODALITY)))
                .isEqualTo(new PeerCheck.Refused(Rejection.NO_REASON_GIVEN, "address-not-allowed"));
        assertThat(PeerCheck.decide(Optional.of(peer(null)), "portal", "10.1.2.3", Optional.of(MODALITY)))
                .isEqualTo(new PeerCheck.Refused(Rejection.CALLED_AE_NOT_RECOGNISED, "called-ae-title-not-allowed"));
        assertThat(PeerCheck.decide(Optional.of(peer("CN=CT 2,O=Radiology")), "PORTAL", "10.1.2.3",
                Optional.of(MODALITY)))
                .isEqualTo(new PeerCheck.Refused(Rejection.NO_REASON_GIVEN, "certificate-subject-mismatch"));
        assertThat(PeerCheck.decide(Optional.of(peer("CN=CT 1,O=Radiology")), "PORTAL", "10.1.2.3",
                Optional.empty()))
                .isEqualTo(new PeerCheck.Refused(Rejection.NO_REASON_GIVEN, "certificate-subject-mismatch"));
    }

    @Test
    void theSubjectIsComparedAsADistinguishedNameNotAsText() {
        assertThat(PeerCheck.decide(Optional.of(peer("cn=CT 1, o=Radiology")), "PORTAL", "10.1.2.3",
                Optional.of(MODALITY))).isInstanceOf(PeerCheck.Accepted.class);
    }

    @Test
    void rejectionsCarryTheirResultSourceAndReason() {
        assertThat(Rejection.CALLING_AE_NOT_RECOGNISED.pdu()).containsExactly(3, 0, 0, 0, 0, 4, 0, 1, 1, 3);
        assertThat(Rejection.CALLED_AE_NOT_RECOGNISED.pdu()).containsExactly(3, 0, 0, 0, 0, 4, 0, 1, 1, 7);
        assertThat(Rejection.NO_REASON_GIVEN.pdu()).containsExactly(3, 0, 0, 0, 0, 4, 0, 1, 1, 1);
    }

    @Test
    void ingestOutcomesMapToCStoreStatuses() {
        assertThat(StoreStatus.of(new IngestOutcome.Stored("1.2", "1.3", "1.4", "1.5", null, false)).code())
                .isZero();
        assertThat(StoreStatus.of(new IngestOutcome.Stored("1.2", "1.3", "1.4", "1.5", null, true)).code())
                .isZero();
        assertThat(StoreStatus.of(new IngestOutcome.Stored("1.2", "1.3", "1.4", "1.5",
                QuarantineReason.values()[0], false)).code()).isEqualTo(0xB000);
        assertThat(StoreStatus.of(new IngestOutcome.Failed("1.2", "1.3", IngestOutcome.OUT_OF_RESOURCES, "too large"))
                .code()).isEqualTo(0xA700);
        assertThat(StoreStatus.of(new IngestOutcome.Failed("1.2", "1.3", IngestOutcome.DUPLICATE_SOP_INSTANCE, "dup"))
                .code()).isEqualTo(0x0111);
    }
}
