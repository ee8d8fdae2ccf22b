package org.imageportal.sharing;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.providers.ProviderService;
import org.imageportal.sharing.LinkRepository.LinkRow;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;

import io.smallrye.mutiny.Uni;

/**
 * Share links issued by the patient for their own study, or by the front desk on the patient's behalf after a
 * recent identity verification and with a note of the patient's written authorization: a signed random token
 * (shown once, as the link) and an access code (shown once, to be given out of band); the portal keeps only their
 * hashes. Scope, recipient,
 * purpose, permission and limits are fixed at issue; revocation is one way. Issuing and revoking are audited in
 * the same transaction. (Opening a link comes with the landing page.)
 */
@ApplicationScoped
public class LinkService {

    /** What the issuer sees once: the link and the access code. */
    public record IssuedLink(UUID id, String url, String accessCode, Instant notBefore, Instant expiresAt) {

        @Override
        public String toString() {
            return "IssuedLink[" + id + "]";
        }
    }

    /**
     * A link as the patient's dashboard and the front desk show it (never the token or the code);
     * {@code seriesCount} is the number of series chosen, null for the whole study.
     */
    public record LinkView(UUID id, UUID studyId, String studyDate, String studyDescription, String recipientName,
            String purpose, boolean download, OffsetDateTime notBefore, OffsetDateTime expiresAt, Integer maxOpens,
            int opens, OffsetDateTime lastOpened, OffsetDateTime createdAt, OffsetDateTime revokedAt, String state,
            Integer seriesCount) {
    }

    private final LinkRepository links;
    private final LinkTokens tokens;
    private final StudyArchiveService studies;
    private final PatientService patients;
    private final AuditTrail audit;
    private final SharingConfig config;
    private final SecurityConfig security;
    private final Clock clock;
    private final ProviderService providers;
    private final AccessPolicy policy;

    LinkService(LinkRepository links, LinkTokens tokens, StudyArchiveService studies, PatientService patients,
            AuditTrail audit, SharingConfig config, SecurityConfig security, Clock clock, ProviderService providers,
            AccessPolicy policy) {
        this.policy = policy;
        this.providers = providers;
        this.clock = clock;
        this.links = links;
        this.tokens = tokens;
        this.studies = studies;
        this.patients = patients;
        this.audit = audit;
        this.config = config;
        this.security = security;
    }

    public Uni<IssuedLink> issue(Actor actor, LinkRequest request) {
        boolean onBehalf = !actor.has(Role.PATIENT);
        if (onBehalf && !actor.has(Role.FRONTDESK)) {
            // the policy decides below which studies; this only words the refusal for other roles
            throw new ProblemException(ProblemType.FORBIDDEN, "only the patient or the front desk may issue links");
        }
        if (request.purpose() == Purpose.OTHER && (request.purposeText() == null || request.purposeText().isBlank())) {
            throw ProblemException.invalid("purposeText", "describe the purpose");
        }
        if (onBehalf && (blank(request.patientId()) || blank(request.authorizationNote()))) {
            throw ProblemException.invalid("authorizationNote",
                    "a link for a patient needs the patient and a note of their written authorization");
        }
        Instant now = clock.instant();
        Instant notBefore = request.notBefore() == null ? now : request.notBefore();
        Instant expires = request.expiresAt() == null
                ? notBefore.plus(config.linkDefaultExpiry())
                : request.expiresAt();
        if (!expires.isAfter(notBefore) || !expires.isAfter(now) || expires.isAfter(now.plus(config.linkMaxExpiry()))) {
            throw ProblemException.invalid("expiresAt", "choose an expiry after the start and at most "
                    + config.linkMaxExpiry().toDays() + " days ahead");
        }
        UUID studyId = ProblemException.idOrNotFound(request.studyId());
        String token = tokens.issue();
        String code = AccessCodes.generate();
        String codeHash = AccessCodes.hash(code, token, tokens);
        String purpose = request.purpose().name()
                + (request.purposeText() == null || request.purposeText().isBlank()
                        ? ""
                        : ": " + request.purposeText().strip());
        UUID id = UUID.randomUUID();
        List<String> series = SharingRules.chosenSeries(request.seriesUids());
        return studies.patientOf(actor, studyId, StudyAction.SHARE)
                .map(found -> found.orElseThrow(ProblemException::notFound))
                .call(patient -> SharingRules.requireOnBehalf(patients, onBehalf, patient, request.patientId()))
                .call(patient -> blank(request.boundProviderId())
                        ? Uni.createFrom().voidItem()
                        : providers.find(ProblemException.idOrNotFound(request.boundProviderId()))
                                .invoke(found -> {
                                    if (found.isEmpty()) {
                                        throw ProblemException.invalid("boundProviderId",
                                                "no registered physician has this id");
                                    }
                                }))
                .call(patient -> SharingRules.requireSeriesOf(studies, studyId, series))
                .chain(patient -> links.pool().withTransaction(tx -> links
                        .insert(tx, id, LinkTokens.hash(token), studyId, patient, request, series, purpose,
                                codeHash, notBefore, expires, actor.subject())
                        .call(() -> audit.record(tx, actor.subject(), "link.issued", "success", "patient:" + patient,
                                Map.of("link", id.toString(), "study", studyId.toString(), "download",
                                        request.download(), "series", series == null ? "all" : series,
                                        "onBehalf", onBehalf, "boundProvider",
                                        blank(request.boundProviderId()) ? "none" : request.boundProviderId())))))
                .map(ignored -> new IssuedLink(id, security.publicUrl() + "/s/" + token, code, notBefore, expires));
    }

    /**
     * The recipient each link was issued to (as the patient or the front desk named them), by link; links that no
     * longer exist are left out. For showing who acted under a link in the audit trail.
     */
    public Uni<java.util.Map<UUID, String>> recipientNames(java.util.Collection<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(java.util.Map.of()) : links.recipientNames(ids);
    }

    public Uni<List<LinkView>> mine(Actor actor) {
        Instant now = clock.instant();
        return patients.patientOfAccount(actor.subject()).chain(patient -> patient.isEmpty()
                ? Uni.createFrom().item(List.<LinkView>of())
                : links.forPatient(patient.get()).map(rows -> rows.stream().map(r -> view(r, now)).toList()));
    }

    /**
     * Every link on a patient's studies, in force and past, for someone who may act for the patient (the front desk
     * and the privacy officer, as the access policy decides for revoking; the patient for their own record). Anyone
     * else gets 404, as for a patient out of reach.
     */
    public Uni<List<LinkView>> forPatient(Actor actor, UUID patient) {
        Instant now = clock.instant();
        return SharingRules.mayActFor(policy, patients, actor, patient, StudyAction.REVOKE_SHARE)
                .chain(allowed -> allowed
                        ? links.forPatient(patient).map(rows -> rows.stream().map(r -> view(r, now)).toList())
                        : Uni.createFrom().failure(ProblemException.notFound()));
    }

    /** One way; the patient whose study it is, or the front desk / privacy officer. Unknown or not theirs: 404. */
    public Uni<LinkView> revoke(Actor actor, UUID id) {
        return links.find(id).chain(found -> {
            LinkRow row = found.orElseThrow(ProblemException::notFound);
            Uni<Boolean> allowed = SharingRules.mayActFor(policy, patients, actor, row.patientRef(),
                    StudyAction.REVOKE_SHARE);
            return allowed.chain(ok -> ok
                    ? links.pool().withTransaction(tx -> links.revoke(tx, id, actor.subject())
                            .call(revoked -> revoked
                                    ? audit.record(tx, actor.subject(), "link.revoked", "success",
                                            "patient:" + row.patientRef(), Map.of("link", id.toString()))
                                    : Uni.createFrom().voidItem()))
                    : Uni.createFrom().failure(ProblemException.notFound()));
        }).chain(() -> links.find(id)).map(row -> view(row.orElseThrow(), clock.instant()));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    static String state(LinkRow r, Instant now) {
        if (r.revokedAt() != null) {
            return "revoked";
        }
        if (r.lockedAt() != null) {
            return "locked";
        }
        if (!r.expiresAt().toInstant().isAfter(now)) {
            return "expired";
        }
        if (r.maxOpens() != null && r.opens() >= r.maxOpens()) {
            return "used up";
        }
        return r.notBefore().toInstant().isAfter(now) ? "not yet valid" : "active";
    }

    private static LinkView view(LinkRow r, Instant now) {
        return new LinkView(r.id(), r.studyId(), r.studyDate(), r.studyDescription(), r.recipientName(), r.purpose(),
                r.canDownload(), r.notBefore(), r.expiresAt(), r.maxOpens(), r.opens(), r.lastOpenedAt(), r.createdAt(),
                r.revokedAt(), state(r, now), r.seriesUids() == null ? null : r.seriesUids().size());
    }
}
