package org.imageportal.studies.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.imageportal.dicom.PatientIdentity;

/**
 * Decides whether an incoming instance may join its study and patient, or must wait in quarantine. Wrong-patient
 * merges are the classic failure of image exchange, so any disagreement in Patient ID, issuer, name or birth date
 * holds the instance for a person to look at; nothing is merged on a guess.
 */
final class IdentityCheck {

    /** A patient already known to the index. */
    record KnownPatient(UUID id, PatientIdentity identity) {
    }

    /** What the index knows about the instance's study, if it exists with accepted instances. */
    record StudyContext(UUID patientRef, PatientIdentity identity) {
    }

    sealed interface Decision {
    }

    /** Accept for this patient; {@code patientRef} null means "create the patient from the instance". */
    record Accept(UUID patientRef) implements Decision {
    }

    /**
     * Hold for review; {@code fields} names the attributes that differ, {@code proposedPatient} is the patient a
     * release would join (null when staff must choose).
     */
    record Quarantine(QuarantineReason reason, List<String> fields, UUID proposedPatient) implements Decision {
    }

    private IdentityCheck() {
    }

    /**
     * @param incoming the identity in the file
     * @param study the study's accepted identity, if the study already has accepted instances
     * @param target the patient the front desk is uploading for (outside CD), if any
     * @param registered the patient known under the file's Patient ID and issuer (PACS path), if any
     */
    static Decision decide(PatientIdentity incoming, Optional<StudyContext> study, Optional<KnownPatient> target,
            Optional<KnownPatient> registered) {
        UUID studyPatient = study.map(StudyContext::patientRef).orElse(null);
        if (study.isPresent()) {
            List<String> differing = differences(incoming, study.get().identity(), true);
            if (!differing.isEmpty()) {
                return new Quarantine(QuarantineReason.STUDY_IDENTITY_MISMATCH, differing, studyPatient);
            }
        }
        if (target.isPresent()) {
            if (study.isPresent() && !studyPatient.equals(target.get().id())) {
                return new Quarantine(QuarantineReason.STUDY_OF_ANOTHER_PATIENT, List.of(), studyPatient);
            }
            List<String> differing = differences(incoming, target.get().identity(), false);
            return differing.isEmpty()
                    ? new Accept(target.get().id())
                    : new Quarantine(QuarantineReason.TARGET_PATIENT_MISMATCH, differing, target.get().id());
        }
        if (incoming.patientId().isEmpty()) {
            return new Quarantine(QuarantineReason.NO_PATIENT_ID, List.of("PatientID"), studyPatient);
        }
        if (registered.isPresent()) {
            List<String> differing = differences(incoming, registered.get().identity(), false);
            return differing.isEmpty()
                    ? new Accept(registered.get().id())
                    : new Quarantine(QuarantineReason.REGISTRY_IDENTITY_MISMATCH, differing, registered.get().id());
        }
        return new Accept(study.map(StudyContext::patientRef).orElse(null));
    }

    /** Names of the identity attributes that differ; Patient ID and issuer only when {@code withId}. */
    static List<String> differences(PatientIdentity a, PatientIdentity b, boolean withId) {
        List<String> differing = new ArrayList<>();
        if (withId && !a.patientId().equals(b.patientId())) {
            differing.add("PatientID");
        }
        if (withId && !a.issuer().equals(b.issuer())) {
            differing.add("IssuerOfPatientID");
        }
        if (!sameName(a.name(), b.name())) {
            differing.add("PatientName");
        }
        if (!a.birthDate().equals(b.birthDate())) {
            differing.add("PatientBirthDate");
        }
        return differing;
    }

    /**
     * Person names compare equal when their alphabetic groups have the same components (family, given, middle,
     * prefix, suffix) ignoring case, surrounding and repeated spaces, and trailing empty components.
     */
    static boolean sameName(String a, String b) {
        return normalizedName(a).equals(normalizedName(b));
    }

    static List<String> normalizedName(String pn) {
        String alphabetic = pn.split("=", -1)[0];
        List<String> components = new ArrayList<>(Arrays.stream(alphabetic.split("\\^", -1))
                .map(c -> c.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT)).toList());
        while (!components.isEmpty() && components.getLast().isEmpty()) {
            components.removeLast();
        }
        return components;
    }
}
