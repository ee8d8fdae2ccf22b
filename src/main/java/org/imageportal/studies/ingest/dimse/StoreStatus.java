package org.imageportal.studies.ingest.dimse;

import org.imageportal.dicom.StorageAssociation.Status;
import org.imageportal.studies.ingest.IngestOutcome;

/**
 * The C-STORE response status for an ingest outcome (PS3.4 B.2.3), the same decisions STOW-RS reports in its
 * response: see docs/dimse.md for the table.
 */
final class StoreStatus {

    /** Warning (Bxxx): kept, but not as a plain success. */
    static final int HELD_FOR_REVIEW = 0xB000;

    private StoreStatus() {
    }

    static Status of(IngestOutcome outcome) {
        return switch (outcome) {
            // a repeat of an instance stored byte for byte is a success: senders resend after a lost response
            case IngestOutcome.Stored stored when stored.quarantine() == null -> Status.SUCCESS;
            case IngestOutcome.Stored stored -> new Status(HELD_FOR_REVIEW,
                    "held for staff review: the patient identity does not match");
            case IngestOutcome.Failed failed -> new Status(failed.failureReason(), failed.message());
        };
    }
}
