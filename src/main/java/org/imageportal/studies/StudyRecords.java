package org.imageportal.studies;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.imageportal.dicom.InstanceHeader.RequestAttributes;
import org.imageportal.dicom.PatientIdentity;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.crypto.WrappedStudyKey;

/** Rows of the study index as the features that read it see them. */
public final class StudyRecords {

    private StudyRecords() {
    }

    /** A study as QIDO returns it. */
    public record StudyRecord(UUID id, String studyUid, PatientIdentity patient, String studyDate, String studyTime,
            String accessionNumber, String referringPhysician, String description, String studyId,
            List<String> modalities, int seriesCount, int instanceCount) {
    }

    /** A series as QIDO returns it. */
    public record SeriesRecord(String studyUid, String seriesUid, String modality, Integer seriesNumber,
            String description, String performedStartDate, String performedStartTime,
            List<RequestAttributes> requestAttributes, int instanceCount) {
    }

    /**
     * An instance as QIDO returns it; {@code more} holds further attributes (DICOM JSON by tag) from its sealed
     * metadata when the search asked for them, and is empty otherwise.
     */
    public record InstanceRecord(String studyUid, String seriesUid, String sopInstanceUid, String sopClassUid,
            Integer instanceNumber, Integer rows, Integer columns, Integer bitsAllocated, Integer frames,
            String transferSyntax, Map<String, Object> more) {

        public InstanceRecord {
            more = Map.copyOf(more);
        }

        public InstanceRecord with(Map<String, Object> attributes) {
            return new InstanceRecord(studyUid, seriesUid, sopInstanceUid, sopClassUid, instanceNumber, rows, columns,
                    bitsAllocated, frames, transferSyntax, attributes);
        }
    }

    /**
     * Where an instance's bytes are and how to decrypt them; {@code metadata} is its sealed DICOM JSON from the index
     * (null when it was stored before the index kept it, or is not needed).
     */
    public record StoredInstance(UUID studyId, String studyUid, String seriesUid, String sopInstanceUid,
            String transferSyntax, ObjectKey objectKey, long size, WrappedStudyKey studyKey, byte[] metadata) {

        /** The name the study's objects are bound to (associated data): the study's row id, never a UID. */
        public String studyRef() {
            return studyId.toString();
        }
    }
}
