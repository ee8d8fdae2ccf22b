package org.imageportal.dicom;

/**
 * Why an instance cannot be accepted. The message names the problem (which attribute, which limit) and never a
 * value from the data set, so it can be returned to the sender and logged without leaking PHI.
 */
public final class DicomRejection extends Exception {

    /** The kinds of refusal; each maps to one STOW-RS failure reason. */
    public enum Reason {
        /**
         * Not a DICOM Part 10 file at all (no preamble and {@code DICM} prefix, or unreadable), or its structure is
         * broken: an odd or overlong length, an invalid value representation, an unclosed or too deeply nested
         * sequence, an item or delimiter out of place.
         */
        NOT_DICOM,
        /** The file ends before its declared content does. */
        TRUNCATED,
        /** A required attribute is missing, empty or inconsistent. */
        INVALID_ATTRIBUTE,
        /** The transfer syntax is not one we can store and serve. */
        UNSUPPORTED_TRANSFER_SYNTAX,
        /** The SOP class is not a storage SOP class. */
        UNSUPPORTED_SOP_CLASS,
        /** A DICOMDIR: the directory of a medium, which describes instances rather than being one. */
        MEDIA_DIRECTORY,
        /** The instance or its header is larger than the configured limit. */
        TOO_LARGE
    }

    private final Reason reason;
    private final String sopClassUid;
    private final String sopInstanceUid;

    public DicomRejection(Reason reason, String message) {
        this(reason, message, "", "");
    }

    private DicomRejection(Reason reason, String message, String sopClassUid, String sopInstanceUid) {
        super(message, null, false, false);
        this.reason = reason;
        this.sopClassUid = sopClassUid;
        this.sopInstanceUid = sopInstanceUid;
    }

    /** The same refusal naming the instance, once its UIDs could be read, so the sender knows which one failed. */
    DicomRejection naming(String sopClass, String sopInstance) {
        return new DicomRejection(reason, getMessage(), sopClass, sopInstance);
    }

    public Reason reason() {
        return reason;
    }

    /** The refused instance's SOP Class UID, or empty when it could not be read. */
    public String sopClassUid() {
        return sopClassUid;
    }

    /** The refused instance's SOP Instance UID, or empty when it could not be read. */
    public String sopInstanceUid() {
        return sopInstanceUid;
    }
}
