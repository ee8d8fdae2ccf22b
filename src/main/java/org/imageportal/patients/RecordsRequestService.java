package org.imageportal.patients;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.patients.RecordsRequestRepository.RequestRow;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;

import io.smallrye.mutiny.Uni;

/**
 * Right-of-access requests the portal cannot fulfil at once (45 CFR 164.524(b)(2)): received now, due in 30 days,
 * extendable once by at most 30 days with a written reason, and only before the first deadline; fulfilled with a
 * note. Patients file and follow their own; the front desk and the privacy officer work the open list, most
 * urgent first. Every step is audited in its own transaction.
 */
@ApplicationScoped
public class RecordsRequestService {

    static final Duration TIME_LIMIT = Duration.ofDays(30);
    static final Duration EXTENSION = Duration.ofDays(30);

    /** A request as patients and staff see it. */
    public record RequestView(UUID id, String patientName, String mrn, RecordsRequestKind kind, String details,
            String thirdPartyName, String thirdPartyAddress, OffsetDateTime receivedAt, OffsetDateTime dueAt,
            boolean extended, String extensionReason, OffsetDateTime fulfilledAt, String fulfilmentNote,
            String status) {
    }

    private final RecordsRequestRepository requests;
    private final PatientRepository patients;
    private final AuditTrail audit;

    RecordsRequestService(RecordsRequestRepository requests, PatientRepository patients, AuditTrail audit) {
        this.requests = requests;
        this.patients = patients;
        this.audit = audit;
    }

    /** The signed-in patient files a request; the 30-day clock starts now. */
    public Uni<RequestView> file(Actor actor, RecordsRequestForm form) {
        if (form.kind() == RecordsRequestKind.THIRD_PARTY_DELIVERY
                && (blank(form.thirdPartyName()) || blank(form.thirdPartyAddress()))) {
            throw ProblemException.invalid("name the recipient and their address", "thirdPartyName",
                    "for delivery to someone else, give their name and address");
        }
        if (form.kind() == RecordsRequestKind.OTHER && blank(form.details())) {
            throw ProblemException.invalid("describe what you would like", "details", "describe what you would like");
        }
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        return patients.findByAccount(actor.subject()).map(found -> found.orElseThrow(ProblemException::notFound))
                .chain(patient -> requests.pool().withTransaction(tx -> requests
                        .insert(tx, id, patient.id(), actor.subject(), form, now, now.plus(TIME_LIMIT))
                        .call(() -> audit.record(tx, actor.subject(), "records-request.filed", "success",
                                "patient:" + patient.id(), Map.of("request", id.toString(), "kind",
                                        form.kind().name())))))
                .chain(() -> requests.find(id)).map(row -> view(row.orElseThrow(), now));
    }

    /** The patient's own requests, newest first. */
    public Uni<List<RequestView>> mine(Actor actor) {
        Instant now = Instant.now();
        return patients.findByAccount(actor.subject())
                .chain(found -> found.isEmpty()
                        ? Uni.createFrom().item(List.<RequestRow>of())
                        : requests.forPatient(found.get().id()))
                .map(rows -> rows.stream().map(r -> view(r, now)).toList());
    }

    /** Open requests, the nearest deadline first (front desk, privacy officer). */
    public Uni<List<RequestView>> open(Actor actor) {
        requireStaff(actor);
        Instant now = Instant.now();
        return requests.open(500).map(rows -> rows.stream().map(r -> view(r, now)).toList());
    }

    public Uni<RequestView> extend(Actor actor, UUID id, String reason) {
        requireStaff(actor);
        if (blank(reason)) {
            throw ProblemException.invalid("an extension needs a written reason", "reason",
                    "write the reason for the delay; the patient is told it");
        }
        Instant now = Instant.now();
        return existing(id).chain(row -> requests.pool().withTransaction(tx -> requests
                .extend(tx, id, actor.subject(), reason.strip(), now, row.dueAt().toInstant().plus(EXTENSION))
                .call(done -> done
                        ? audit.record(tx, actor.subject(), "records-request.extended", "success",
                                "patient:" + row.patientRef(), Map.of("request", id.toString()))
                        : Uni.createFrom().voidItem())))
                .invoke(done -> {
                    if (!done) {
                        throw new ProblemException(ProblemType.CONFLICT, "a request can be extended only once, "
                                + "before its deadline, while it is open");
                    }
                }).chain(() -> requests.find(id)).map(row -> view(row.orElseThrow(), now));
    }

    public Uni<RequestView> fulfil(Actor actor, UUID id, String note) {
        requireStaff(actor);
        if (blank(note)) {
            throw ProblemException.invalid("say how the request was fulfilled", "note",
                    "say how and when the copy was provided (e.g. CD handed over in person)");
        }
        Instant now = Instant.now();
        return existing(id).chain(row -> requests.pool().withTransaction(tx -> requests
                .fulfil(tx, id, actor.subject(), note.strip(), now)
                .call(done -> done
                        ? audit.record(tx, actor.subject(), "records-request.fulfilled", "success",
                                "patient:" + row.patientRef(), Map.of("request", id.toString()))
                        : Uni.createFrom().voidItem())))
                .invoke(done -> {
                    if (!done) {
                        throw new ProblemException(ProblemType.CONFLICT, "the request was already fulfilled");
                    }
                }).chain(() -> requests.find(id)).map(row -> view(row.orElseThrow(), now));
    }

    private Uni<RequestRow> existing(UUID id) {
        return requests.find(id).map(found -> found.orElseThrow(ProblemException::notFound));
    }

    private static void requireStaff(Actor actor) {
        if (!actor.has(Role.FRONTDESK) && !actor.has(Role.PRIVACY_OFFICER)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
    }

    static String status(RequestRow r, Instant now) {
        if (r.fulfilledAt() != null) {
            return "fulfilled";
        }
        if (!r.dueAt().toInstant().isAfter(now)) {
            return "overdue";
        }
        return r.extendedAt() != null ? "extended" : "received";
    }

    private static RequestView view(RequestRow r, Instant now) {
        return new RequestView(r.id(), r.patientName(), r.mrn(), r.kind(), r.details(), r.thirdPartyName(),
                r.thirdPartyAddress(), r.receivedAt(), r.dueAt(), r.extendedAt() != null, r.extensionReason(),
                r.fulfilledAt(), r.fulfilmentNote(), status(r, now));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
