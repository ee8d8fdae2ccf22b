package org.imageportal.disclosures;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.accounts.AccountService;
import org.imageportal.audit.AuditTrail;
import org.imageportal.disclosures.AccountingRepository.RequestRow;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.text.Words;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The accounting of disclosures (45 CFR 164.528). Patients ask for an accounting of up to six years; the privacy
 * officer has 60 days to deliver it, may extend once by 30 days with a written reason, and delivers it in the
 * portal; the first request in any 12 months is free. The officer also records disclosures made outside the portal
 * and suspensions of the right. Every step is audited with the change it records.
 */
@ApplicationScoped
public class AccountingService {

    static final Duration TIME_LIMIT = Duration.ofDays(60);
    static final Duration EXTENSION = Duration.ofDays(30);
    static final Duration FREE_WINDOW = Duration.ofDays(365);
    static final int LOOK_BACK_YEARS = 6;

    /** A request as the patient and the privacy officer see it. */
    public record RequestView(UUID id, String patientName, String mrn, LocalDate from, LocalDate to,
            boolean freeOfCharge, OffsetDateTime receivedAt, OffsetDateTime dueAt, boolean extended,
            String extensionReason, OffsetDateTime deliveredAt, String status) {
    }

    private final AccountingRepository repository;
    private final DisclosureLog disclosures;
    private final PatientService patients;
    private final AccountService accounts;
    private final AuditTrail audit;
    private final NotificationService notifications;
    private final Clock clock;
    private final ZoneId zone;

    AccountingService(AccountingRepository repository, DisclosureLog disclosures, PatientService patients,
            AccountService accounts, AuditTrail audit, NotificationService notifications, Clock clock,
            DisclosuresConfig config) {
        this.repository = repository;
        this.disclosures = disclosures;
        this.accounts = accounts;
        this.patients = patients;
        this.audit = audit;
        this.notifications = notifications;
        this.clock = clock;
        this.zone = config.timeZone();
    }

    /** The signed-in patient asks for an accounting; the 60 days start now. */
    public Uni<RequestView> request(Actor actor, AccountingRequestForm form) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate earliest = today.minusYears(LOOK_BACK_YEARS);
        LocalDate from = form == null || form.from() == null ? earliest : form.from();
        LocalDate to = form == null || form.to() == null ? today : form.to();
        if (from.isBefore(earliest)) {
            throw ProblemException.invalid("the period is too long", "from",
                    "an accounting covers at most the six years before the request (from " + earliest + ")");
        }
        if (to.isAfter(today) || from.isAfter(to)) {
            throw ProblemException.invalid("the period is not valid", "to",
                    "the period must end today or earlier, and not before it starts");
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        return ownPatient(actor).chain(patient -> repository.pool().withTransaction(tx -> repository
                .lockPatient(tx, patient)
                .chain(() -> repository.requestedSince(tx, patient, now.minus(FREE_WINDOW)))
                .chain(earlier -> repository.insertRequest(tx, id, patient, actor.subject(), now, from, to,
                        !earlier, now.plus(TIME_LIMIT))
                        .chain(() -> audit.record(tx, actor.subject(), "accounting.requested", "success",
                                "patient:" + patient, Map.of("request", id.toString(), "free", !earlier))))))
                .chain(() -> view(id));
    }

    /** The patient's own requests, newest first. */
    public Uni<List<RequestView>> mine(Actor actor) {
        return ownPatient(actor).chain(repository::forPatient).map(this::views);
    }

    /** Open requests, the nearest due date first (privacy officer). */
    public Uni<List<RequestView>> open(Actor actor) {
        requireOfficer(actor);
        return repository.open(500).map(this::views);
    }

    public Uni<RequestView> extend(Actor actor, UUID id, String reason) {
        requireOfficer(actor);
        if (reason == null || reason.isBlank()) {
            throw ProblemException.invalid("an extension needs a written reason", "text",
                    "write the reason for the delay; the patient is told it");
        }
        Instant now = clock.instant();
        return existing(id).chain(row -> repository.pool().withTransaction(tx -> repository
                .extend(tx, id, reason.strip(), now, row.dueAt().toInstant().plus(EXTENSION))
                .call(done -> done
                        ? audit.record(tx, actor.subject(), "accounting.extended", "success",
                                "patient:" + row.patientRef(), Map.of("request", id.toString()))
                        : Uni.createFrom().voidItem())))
                .invoke(done -> {
                    if (!done) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "an accounting can be extended only once, before it is due, while it is open");
                    }
                }).chain(() -> view(id));
    }

    /**
     * The privacy officer delivers the accounting: from now on the patient reads it in the portal, and is told so
     * (in the portal and, when configured, by e-mail).
     */
    public Uni<RequestView> deliver(Actor actor, UUID id) {
        requireOfficer(actor);
        Instant now = clock.instant();
        return existing(id).chain(row -> repository.pool().withTransaction(tx -> repository
                .deliver(tx, id, actor.subject(), now)
                .call(done -> done
                        ? audit.record(tx, actor.subject(), "accounting.delivered", "success",
                                "patient:" + row.patientRef(), Map.of("request", id.toString()))
                                .chain(() -> notifications.record(tx, row.patientRef(), Kind.ACCOUNTING_DELIVERED,
                                        "The accounting of disclosures you asked for on "
                                                + Words.date(row.receivedAt().atZoneSameInstant(zone)
                                                        .toLocalDate())
                                                + " is ready: read it under \"Who saw my images\"."))
                        : Uni.createFrom().voidItem()))
                .invoke(done -> {
                    if (!done) {
                        throw new ProblemException(ProblemType.CONFLICT, "this accounting was already delivered");
                    }
                    notifications.email(row.patientRef(), Kind.ACCOUNTING_DELIVERED);
                })).chain(() -> view(id));
    }

    /**
     * A request's report: the accounting (accountable disclosures) or the full access report. The patient reads
     * theirs once delivered; the privacy officer at any time. Reading it is audited.
     */
    public Uni<AccountingReport> report(Actor actor, UUID id, AccountingReport.Kind kind) {
        return existing(id).chain(row -> mayRead(actor, row).chain(() -> {
            Instant from = row.from().atStartOfDay(zone).toInstant();
            Instant to = row.to().plusDays(1).atStartOfDay(zone).toInstant();
            Instant now = clock.instant();
            Uni<List<AccountingReport.StaffUse>> staff = kind == AccountingReport.Kind.ACCOUNTABLE
                    ? Uni.createFrom().item(List.of())
                    : repository.staffAccesses(row.patientRef(), from, to).emitOn(Infrastructure
                            .getDefaultWorkerPool()).map(this::named);
            return repository.disclosures(row.patientRef(), from, to, LocalDate.now(clock.withZone(zone)))
                    .chain(records -> staff.map(uses -> AccountingReport.build(kind, readableName(row
                            .patientName()), row.from(), row.to(), now, row.free(), records, uses, zone)))
                    .call(report -> audit.record(actor.subject(), "accounting.report-read", "success",
                            "patient:" + row.patientRef(), Map.of("request", id.toString(), "report", kind.name(),
                                    "lines", report.lines().size(), "uses", report.uses().size())));
        }));
    }

    /** The registry id of the patient with this MRN (privacy officer); 400 if none or several. */
    public Uni<UUID> patientByMrn(Actor actor, String mrn) {
        requireOfficer(actor);
        if (mrn == null || mrn.isBlank()) {
            throw ProblemException.invalid("the MRN is missing", "mrn", "give the patient's MRN");
        }
        return repository.patientsByMrn(mrn.strip()).map(found -> {
            if (found.size() != 1) {
                throw ProblemException.invalid(found.isEmpty() ? "no such patient" : "several patients", "mrn",
                        found.isEmpty() ? "no patient has this MRN" : "several patients share this MRN");
            }
            return found.getFirst();
        });
    }

    /** Staff accesses with the names of the people (looked up in Keycloak once per person; blocking). */
    private List<AccountingReport.StaffUse> named(List<AccountingRepository.StaffAccess> accesses) {
        java.util.Map<String, String> names = new java.util.HashMap<>();
        return accesses.stream().map(a -> new AccountingReport.StaffUse(a.at(), names.computeIfAbsent(a.actor(),
                accounts::displayName), a.action(), a.entity())).toList();
    }

    /** Records a disclosure made outside the portal (privacy officer). */
    public Uni<Void> recordManual(Actor actor, UUID patient, ManualDisclosure disclosure) {
        requireOfficer(actor);
        if (disclosure.disclosedOn().isBefore(LocalDate.now(clock.withZone(zone)).minusYears(LOOK_BACK_YEARS))) {
            throw ProblemException.invalid("the date is too far back", "disclosedOn",
                    "disclosures older than six years are outside any accounting");
        }
        Instant at = disclosure.disclosedOn().atStartOfDay(zone).toInstant();
        return repository.patientName(patient).map(found -> found.orElseThrow(ProblemException::notFound))
                .call(name -> disclosure.suspension() == null
                        ? Uni.createFrom().voidItem()
                        : repository.suspensionOf(disclosure.suspension(), patient).invoke(ok -> {
                            if (!ok) {
                                throw ProblemException.invalid("unknown suspension", "suspension",
                                        "no such suspension was recorded for this patient");
                            }
                        }).replaceWithVoid())
                .chain(name -> repository.pool().withTransaction(tx -> disclosures
                        .insertManual(tx, patient, disclosure, at, actor.subject())
                        .chain(() -> audit.record(tx, actor.subject(), "disclosure.recorded", "success",
                                "patient:" + patient, Map.of("accountable", disclosure.exemption() == null)))));
    }

    /** Records a suspension of the patient's right to an accounting (privacy officer); returns its id. */
    public Uni<UUID> suspend(Actor actor, UUID patient, Suspension suspension) {
        requireOfficer(actor);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        if (!suspension.until().isAfter(today)) {
            throw ProblemException.invalid("the suspension has ended already", "until",
                    "give a date after today");
        }
        if (!suspension.written() && suspension.until().isAfter(today.plusDays(30))) {
            throw ProblemException.invalid("an oral statement suspends for 30 days at most", "until",
                    "an oral request suspends for at most 30 days unless a written statement follows "
                            + "(164.528(a)(2)(ii))");
        }
        UUID id = UUID.randomUUID();
        return repository.patientName(patient).map(found -> found.orElseThrow(ProblemException::notFound))
                .chain(name -> repository.pool().withTransaction(tx -> repository
                        .insertSuspension(tx, id, patient, suspension, actor.subject())
                        .chain(() -> audit.record(tx, actor.subject(), "disclosure.suspension-recorded", "success",
                                "patient:" + patient, Map.of("suspension", id.toString(), "until",
                                        suspension.until().toString())))))
                .replaceWith(id);
    }

    private Uni<Void> mayRead(Actor actor, RequestRow row) {
        if (actor.has(Role.PRIVACY_OFFICER)) {
            return Uni.createFrom().voidItem();
        }
        return patients.patientOfAccount(actor.subject()).invoke(own -> {
            // not theirs, or not delivered yet: the same answer
            if (own.isEmpty() || !own.get().equals(row.patientRef()) || row.deliveredAt() == null) {
                throw ProblemException.notFound();
            }
        }).replaceWithVoid();
    }

    private Uni<UUID> ownPatient(Actor actor) {
        return patients.patientOfAccount(actor.subject()).map(found -> found.orElseThrow(ProblemException::notFound));
    }

    private Uni<RequestRow> existing(UUID id) {
        return repository.find(id).map(found -> found.orElseThrow(ProblemException::notFound));
    }

    private Uni<RequestView> view(UUID id) {
        return existing(id).map(this::view);
    }

    private List<RequestView> views(List<RequestRow> rows) {
        return rows.stream().map(this::view).toList();
    }

    private RequestView view(RequestRow r) {
        String status;
        if (r.deliveredAt() != null) {
            status = "delivered";
        } else if (!r.dueAt().toInstant().isAfter(clock.instant())) {
            status = "overdue";
        } else {
            status = r.extendedAt() != null ? "extended" : "received";
        }
        return new RequestView(r.id(), readableName(r.patientName()), r.mrn(), r.from(), r.to(), r.free(),
                r.receivedAt(), r.dueAt(), r.extendedAt() != null, r.extensionReason(), r.deliveredAt(), status);
    }

    /** "Family^Given" as "Given Family". */
    static String readableName(String dicomName) {
        String[] parts = dicomName.split("\\^");
        return parts.length >= 2 ? (parts[1] + " " + parts[0]).strip() : dicomName.replace('^', ' ').strip();
    }

    private static void requireOfficer(Actor actor) {
        if (!actor.has(Role.PRIVACY_OFFICER)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
    }
}
