package org.imageportal.patients;

import java.util.UUID;

import org.imageportal.dicom.PatientIdentity;

/** A registry entry as images name it: the identity an ingest checks a new instance against. */
public record IndexedPatient(UUID id, PatientIdentity identity) {
}
