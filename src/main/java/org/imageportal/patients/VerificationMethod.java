package org.imageportal.patients;

/** How the front desk established who is in front of them. */
public enum VerificationMethod {
    /** A government-issued photo ID (driver's licence, passport, state ID). */
    GOVERNMENT_PHOTO_ID,
    /** Two identifiers (e.g. name and birth date) matched, plus the photo on file. */
    TWO_IDENTIFIERS_AND_PHOTO_ON_FILE,
    /** Known personally to the staff member. */
    KNOWN_PERSONALLY,
    /** A personal representative (parent, guardian, power of attorney) with documentation of their authority. */
    PERSONAL_REPRESENTATIVE
}
