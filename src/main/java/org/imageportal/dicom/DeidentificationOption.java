package org.imageportal.dicom;

/**
 * The options of the Basic Application Level Confidentiality Profile (DICOM PS3.15 Annex E), with their codes
 * (CID 7050) as they are recorded in the De-identification Method Code Sequence. Without an option, the profile
 * removes or replaces what the option would keep.
 */
public enum DeidentificationOption {

    /** Dates and times kept as they were. */
    RETAIN_LONGITUDINAL_FULL_DATES("113106", "Retain Longitudinal Temporal Information Full Dates Option"),
    /** Dates shifted by an offset that is the same for every study of a patient within a project. */
    RETAIN_LONGITUDINAL_MODIFIED_DATES("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
    /** Sex, age, size, weight and the like. */
    RETAIN_PATIENT_CHARACTERISTICS("113108", "Retain Patient Characteristics Option"),
    /** Station name, device serial numbers and the like. */
    RETAIN_DEVICE_IDENTITY("113109", "Retain Device Identity Option"),
    /** Institution name, address, department. */
    RETAIN_INSTITUTION_IDENTITY("113112", "Retain Institution Identity Option"),
    /** UIDs kept; without it they are remapped consistently (keyed by the project). */
    RETAIN_UIDS("113110", "Retain UIDs Option"),
    /** Descriptions and comments kept, with the patient's known identifiers taken out of them. */
    CLEAN_DESCRIPTORS("113105", "Clean Descriptors Option"),
    /** Structured content kept, with identifying items replaced. */
    CLEAN_STRUCTURED_CONTENT("113104", "Clean Structured Content Option"),
    /** Private attributes known to be safe kept; others removed. */
    RETAIN_SAFE_PRIVATE("113111", "Retain Safe Private Option");

    private final String code;
    private final String meaning;

    DeidentificationOption(String code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public String code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
