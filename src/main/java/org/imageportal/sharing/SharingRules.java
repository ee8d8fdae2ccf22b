package org.imageportal.sharing;

import java.util.List;
import java.util.UUID;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.identity.Actor;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.access.StudyScope;

import io.smallrye.mutiny.Uni;

/** Rules that grants and links share: the chosen series, and sharing by staff on the patient's behalf. */
final class SharingRules {

    private SharingRules() {
    }

    /** The chosen series without blanks around them or repeats, or null for the whole study. */
    static List<String> chosenSeries(List<String> requested) {
        return requested == null || requested.isEmpty()
                ? null
                : requested.stream().map(String::strip).distinct().toList();
    }

    /** Every chosen series must be one of the study's (a 400 naming {@code seriesUids} otherwise). */
    static Uni<Void> requireSeriesOf(StudyArchiveService studies, UUID studyId, List<String> series) {
        if (series == null) {
            return Uni.createFrom().voidItem();
        }
        return studies.seriesUids(studyId).invoke(existing -> {
            if (!existing.containsAll(series)) {
                throw ProblemException.invalid("seriesUids", "a chosen series is not in this study");
            }
        }).replaceWithVoid();
    }

    /**
     * Staff acting for a patient: the study must be that patient's (404 otherwise, as for any study not theirs) and
     * the patient's identity verified recently.
     */
    static Uni<Void> requireOnBehalf(PatientService patients, boolean onBehalf, UUID studyPatient,
            String requestedPatient) {
        if (!onBehalf) {
            return Uni.createFrom().voidItem();
        }
        if (!studyPatient.equals(ProblemException.idOrNotFound(requestedPatient))) {
            return Uni.createFrom().failure(ProblemException.notFound());
        }
        return patients.requireRecentVerificationUnlessDeidentified(studyPatient);
    }

    /**
     * Whether the access policy lets the actor act for this patient (revoking their shares): staff by role for every
     * patient, a patient for their own record, nobody else.
     */
    static Uni<Boolean> mayActFor(AccessPolicy policy, PatientService patients, Actor actor, UUID patientRef,
            StudyAction action) {
        return policy.decide(actor, action).chain(decision -> switch (decision.scope()) {
            case StudyScope.All all -> Uni.createFrom().item(true);
            case StudyScope.OwnStudies own -> patients.patientOfAccount(own.accountSubject())
                    .map(patient -> patient.isPresent() && patient.get().equals(patientRef));
            default -> Uni.createFrom().item(false);
        });
    }
}
