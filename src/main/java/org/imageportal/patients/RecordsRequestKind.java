package org.imageportal.patients;

/** What a patient asks for that the portal cannot hand over at once. */
public enum RecordsRequestKind {
    /** The images on a CD or DVD. */
    CD_OR_DVD,
    /** Printed copies (e.g. of reports). */
    PAPER_COPY,
    /** Delivery to a person or organisation the patient names in writing (164.524(c)(3)(ii)). */
    THIRD_PARTY_DELIVERY,
    /** Anything else, described in the details. */
    OTHER
}
