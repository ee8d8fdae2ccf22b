package org.imageportal.dicom;

import java.util.List;

/**
 * What the index needs from one instance: identifiers, the patient it names and the PS3.18 matching and return
 * keys at study, series and instance level. Empty strings for absent values; numbers are null when absent.
 */
public record InstanceHeader(
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid,
        String transferSyntaxUid,
        PatientIdentity patient,
        String studyDate,
        String studyTime,
        String accessionNumber,
        String referringPhysicianName,
        String studyDescription,
        String studyId,
        String modality,
        Integer seriesNumber,
        String seriesDescription,
        String bodyPartExamined,
        String performedProcedureStepStartDate,
        String performedProcedureStepStartTime,
        List<RequestAttributes> requestAttributes,
        Integer instanceNumber,
        Integer rows,
        Integer columns,
        Integer bitsAllocated,
        Integer numberOfFrames) {

    /**
     * At most this many items of the Request Attributes Sequence are kept: one per requested procedure the series
     * fulfils, a handful in practice.
     */
    public static final int MAX_REQUEST_ATTRIBUTES = 16;

    /** One item of the Request Attributes Sequence (0040,0275): what the series was made for. */
    public record RequestAttributes(String requestedProcedureId, String scheduledProcedureStepId,
            String accessionNumber) {
    }

    public InstanceHeader {
        requestAttributes = List.copyOf(requestAttributes);
    }

    @Override
    public String toString() {
        return "InstanceHeader[sopClass=" + sopClassUid + ", transferSyntax=" + transferSyntaxUid + "]";
    }
}
