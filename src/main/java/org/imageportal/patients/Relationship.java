package org.imageportal.patients;

/** A personal representative's authority to act for the patient (45 CFR 164.502(g)). */
public enum Relationship {
    PARENT, GUARDIAN, POWER_OF_ATTORNEY, OTHER_LEGAL_REPRESENTATIVE
}
