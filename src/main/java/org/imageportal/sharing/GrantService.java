package org.imageportal.sharing;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.text.Words;
import org.imageportal.providers.ProviderService;
import org.imageportal.sharing.GrantRepository.GrantRow;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;

import io.smallrye.mutiny.Uni;

/**
 * Grants of a study to a registered physician: view (and download if allowed), for a purpose, until an expiry
 * within the configured maximum, revocable one way. A patient shares their own studies; the front desk shares on
 * the patient's behalf only after a recent in-person verification and with the written authorization recorded.
 * Creating and revoking are audited in the same transaction.
 */
@ApplicationScoped
public class GrantService {

    /**
     * A grant as the patient's dashboard, the front desk and the physician's list show it; {@code seriesCount} is the
     * number of series chosen, null for the whole study.
     */
    public record GrantView(UUID id, UUID studyId, String studyDate, String studyDescription, List<String> modalities,
            UUID providerId, String providerName, String providerOrganisation, boolean download, Purpose purpose,
            String purposeText, OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt,
            String state, long opens, OffsetDateTime lastOpened, String patientName, String patientBirthDate,
            Integer seriesCount) {
    }

    private final GrantRepository grants;
    private final StudyArchiveService studies;
    private final ProviderService providers;
    private final PatientService patients;
    private final AuditTrail audit;
    private final SharingConfig config;
    private final NotificationService notifications;
    private final Clock clock;
    private final AccessPolicy policy;

    GrantService(GrantRepository grants, StudyArchiveService studies, ProviderService providers,
            PatientService patients, AuditTrail audit, SharingConfig config, NotificationService notifications,
            Clock clock, AccessPolicy policy) {
        this.policy = policy;
        this.clock = clock;
        this.notifications = notifications;
        this.grants = grants;
        this.studies = studies;
        this.providers = providers;
        this.patients = patients;
        this.audit = audit;
        this.config = config;
    }

    public Uni<GrantView> create(Actor actor, GrantRequest request) {
        boolean onBehalf = !actor.has(Role.PATIENT);
        if (onBehalf && !actor.has(Role.FRONTDESK)) {
            // the policy decides below which studies; this only words the refusal for other roles
            throw new ProblemException(ProblemType.FORBIDDEN, "only the patient or the front desk may share");
        }
        if (request.purpose() == Purpose.OTHER && blank(request.purposeText())) {
            throw ProblemException.invalid("purposeText", "describe the purpose");
        }
        if (onBehalf && (blank(request.patientId()) || blank(request.authorizationNote()))) {
            throw ProblemException.invalid("authorizationNote",
                    "sharing for a patient needs the patient and a note of their written authorization");
        }
        Instant now = clock.instant();
        Instant expires = request.expiresAt() == null ? now.plus(config.grantDefaultExpiry()) : request.expiresAt();
        if (!expires.isAfter(now) || expires.isAfter(now.plus(config.grantMaxExpiry()))) {
            throw ProblemException.invalid("expiresAt", "choose an expiry in the future, at most "
                    + config.grantMaxExpiry().toDays() + " days ahead");
        }
        UUID studyId = ProblemException.idOrNotFound(request.studyId());
        UUID providerId = ProblemException.idOrNotFound(request.providerId());
        UUID id = UUID.randomUUID();
        List<String> series = SharingRules.chosenSeries(request.seriesUids());
        return studies.patientOf(actor, studyId, StudyAction.SHARE)
                .map(found -> found.orElseThrow(ProblemException::notFound))
                .call(patient -> SharingRules.requireSeriesOf(studies, studyId, series))
                .call(patient -> SharingRules.requireOnBehalf(patients, onBehalf, patient, request.patientId()))
                .chain(patient -> providers.find(providerId)
                        .map(p -> p.orElseThrow(ProblemException::notFound))
                        .chain(provider -> grants.pool().withTransaction(tx -> grants
                                .insert(tx, id, studyId, patient, provider.id(), request, series, actor.subject(),
                                        expires)
                                .call(() -> audit.record(tx, actor.subject(), "share.granted", "success",
                                        "patient:" + patient, Map.of("grant", id.toString(), "study",
                                                studyId.toString(), "provider", provider.id().toString(),
                                                "download", request.download(), "onBehalf", onBehalf, "series",
                                                series == null ? "all" : series))))))
                .chain(() -> grants.find(id)).map(row -> view(row.orElseThrow()));
    }

    /** Revokes a grant: the patient whose study it is, or the front desk / privacy officer. Unknown: 404. */
    public Uni<GrantView> revoke(Actor actor, UUID id) {
        return grants.find(id).chain(found -> {
            GrantRow row = found.orElseThrow(ProblemException::notFound);
            return mayManage(actor, row).chain(allowed -> {
                if (!allowed) {
                    return Uni.createFrom().failure(ProblemException.notFound());
                }
                return grants.pool().withTransaction(tx -> grants.revoke(tx, id, actor.subject())
                        .call(revoked -> revoked
                                ? audit.record(tx, actor.subject(), "share.revoked", "success",
                                        "patient:" + row.patientRef(), Map.of("grant", id.toString()))
                                : Uni.createFrom().voidItem()));
            });
        }).chain(() -> grants.find(id)).map(row -> view(row.orElseThrow()));
    }

    /** Every grant on the patient's own studies, active and past, with how often each was opened. */
    public Uni<List<GrantView>> mine(Actor actor) {
        return patients.patientOfAccount(actor.subject()).chain(patient -> patient.isEmpty()
                ? Uni.createFrom().item(List.<GrantView>of())
                : grants.forPatient(patient.get()).map(rows -> rows.stream().map(this::view).toList()));
    }

    /**
     * Every grant on a patient's studies, active and past, for someone who may act for the patient (the front desk
     * and the privacy officer, as the access policy decides for revoking; the patient for their own record). Anyone
     * else gets 404, as for a patient out of reach.
     */
    public Uni<List<GrantView>> forPatient(Actor actor, UUID patient) {
        return SharingRules.mayActFor(policy, patients, actor, patient, StudyAction.REVOKE_SHARE)
                .chain(allowed -> allowed
                        ? grants.forPatient(patient).map(rows -> rows.stream().map(this::view).toList())
                        : Uni.createFrom().failure(ProblemException.notFound()));
    }

    /** The studies currently shared with the signed-in physician. */
    public Uni<List<GrantView>> sharedWithMe(Actor actor) {
        return grants.activeForProvider(actor.subject(), clock.instant())
                .map(rows -> rows.stream().map(this::view).toList());
    }

    /** A physician as a patient choosing whom to share with sees them: no contact details, no NPI. */
    public record Physician(UUID id, String name, String organisation) {
    }

    /**
     * A physician opened a study shared with them in the viewer, under this (active) grant: the patient is told in
     * the portal (and by e-mail when configured). Nothing happens for a study the physician cannot reach now.
     */
    public Uni<Void> opened(Actor provider, GrantView grant) {
        return studies.patientOf(provider, grant.studyId()).chain(patient -> patient.isEmpty()
                ? Uni.createFrom().voidItem()
                : notifications.record(grants.pool(), patient.get(), Kind.GRANT_OPENED, grant.providerName()
                        + " opened your study of " + Words.date(grant.studyDate()) + ", "
                        + grant.studyDescription() + ", shared for "
                        + Words.label(grant.purpose()).toLowerCase(Locale.ROOT)
                        + ".")
                        .invoke(() -> notifications.email(patient.get(), Kind.GRANT_OPENED)));
    }

    /** Physicians a patient can share with. */
    public Uni<List<Physician>> directory(String text) {
        return providers.directory(text)
                .map(found -> found.stream().map(p -> new Physician(p.id(), p.name(), p.organisation())).toList());
    }

    private Uni<Boolean> mayManage(Actor actor, GrantRow row) {
        return SharingRules.mayActFor(policy, patients, actor, row.patientRef(), StudyAction.REVOKE_SHARE);
    }

    private GrantView view(GrantRow r) {
        String state = r.revokedAt() != null
                ? "revoked"
                : r.expiresAt().toInstant().isAfter(clock.instant()) ? "active" : "expired";
        return new GrantView(r.id(), r.studyId(), r.studyDate(), r.studyDescription(), r.modalities(),
                r.providerId(), r.providerName(), r.providerOrganisation(), r.canDownload(), r.purpose(),
                r.purposeText(), r.createdAt(), r.expiresAt(), r.revokedAt(), state, r.opens(), r.lastOpened(),
                r.patientName(), r.patientBirthDate(), r.seriesUids() == null ? null : r.seriesUids().size());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
