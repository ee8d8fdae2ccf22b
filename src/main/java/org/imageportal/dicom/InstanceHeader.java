package org.imageportal.dicom;

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
        Integer instanceNumber,
        Integer rows,
        Integer columns,
        Integer numberOfFrames) {

    @Override
    public String toString() {
        return "InstanceHeader[sopClass=" + sopClassUid + ", transferSyntax=" + transferSyntaxUid + "]";
    }
}
