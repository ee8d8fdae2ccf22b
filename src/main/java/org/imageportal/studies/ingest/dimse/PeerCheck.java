package org.imageportal.studies.ingest.dimse;

import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.imageportal.dicom.AssociateRequest.Rejection;
import org.imageportal.platform.http.Cidr;

/** The decision on an association request against the AE registry. Pure. */
final class PeerCheck {

    private PeerCheck() {
    }

    /** Accepted, for a registered node. */
    record Accepted(DimsePeer peer) implements Decision {
    }

    /** Refused: the A-ASSOCIATE-RJ to send and the reason for the audit trail. */
    record Refused(Rejection rejection, String reason) implements Decision {
    }

    sealed interface Decision permits Accepted, Refused {
    }

    /**
     * Checks in order: the calling AE title is registered, the peer's address is one of its addresses, it calls the
     * AE title registered for it, and its certificate carries the registered subject (if one is registered).
     */
    static Decision decide(Optional<DimsePeer> peer, String calledAeTitle, String address,
            Optional<X500Principal> certificateSubject) {
        if (peer.isEmpty()) {
            return new Refused(Rejection.CALLING_AE_NOT_RECOGNISED, "unknown-calling-ae-title");
        }
        DimsePeer node = peer.get();
        if (!Cidr.anyContains(node.addresses(), address)) {
            return new Refused(Rejection.NO_REASON_GIVEN, "address-not-allowed");
        }
        if (!node.calledAeTitle().equals(calledAeTitle)) {
            return new Refused(Rejection.CALLED_AE_NOT_RECOGNISED, "called-ae-title-not-allowed");
        }
        if (node.certificateSubject().isPresent()) {
            X500Principal expected = new X500Principal(node.certificateSubject().get());
            if (certificateSubject.isEmpty() || !expected.equals(certificateSubject.get())) {
                return new Refused(Rejection.NO_REASON_GIVEN, "certificate-subject-mismatch");
            }
        }
        return new Accepted(node);
    }
}
