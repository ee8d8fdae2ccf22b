package org.imageportal.studies.ingest;

/** What happened to one instance of a STOW-RS request or an upload. */
public sealed interface IngestOutcome {

    /** Stored (possibly earlier: an identical duplicate), possibly held in quarantine for review. */
    record Stored(String sopClassUid, String sopInstanceUid, String studyUid, String seriesUid,
            QuarantineReason quarantine, boolean alreadyStored) implements IngestOutcome {
    }

    /** Not stored; {@code failureReason} is the DICOM Failure Reason (0008,1197), message is safe to show. */
    record Failed(String sopClassUid, String sopInstanceUid, int failureReason, String message)
            implements
                IngestOutcome {
    }

    /** DICOM failure reasons used by the portal (PS3.4 C-STORE statuses as used by PS3.18 STOW-RS). */
    int PROCESSING_FAILURE = 0x0110;
    int DUPLICATE_SOP_INSTANCE = 0x0111;
    int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    int OUT_OF_RESOURCES = 0xA700;
    int DOES_NOT_MATCH = 0xA900;
    int CANNOT_UNDERSTAND = 0xC000;
    int TRANSFER_SYNTAX_NOT_SUPPORTED = 0xC122;
}
