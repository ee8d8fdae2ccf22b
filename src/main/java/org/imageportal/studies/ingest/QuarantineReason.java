package org.imageportal.studies.ingest;

/** Why an instance is held for staff review instead of joining its study. */
public enum QuarantineReason {

    STUDY_IDENTITY_MISMATCH("The patient in the file differs from the rest of the study"), STUDY_OF_ANOTHER_PATIENT(
            "The study already belongs to another patient"), TARGET_PATIENT_MISMATCH(
                    "The patient in the file differs from the patient it was uploaded for"), REGISTRY_IDENTITY_MISMATCH(
                            "The Patient ID belongs to a patient with a different name or birth date"), NO_PATIENT_ID(
                                    "The file has no Patient ID");

    private final String description;

    QuarantineReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
