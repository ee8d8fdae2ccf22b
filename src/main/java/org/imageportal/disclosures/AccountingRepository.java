package org.imageportal.disclosures;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Disclosure records, suspensions and accounting requests in PostgreSQL. */
@ApplicationScoped
class AccountingRepository {

    /** A request for an accounting, with the patient's name for staff lists. */
    record RequestRow(UUID id, UUID patientRef, String patientName, String mrn, String requestedBy,
            OffsetDateTime receivedAt, LocalDate from, LocalDate to, boolean free, OffsetDateTime dueAt,
            OffsetDateTime extendedAt, String extensionReason, OffsetDateTime deliveredAt) {
    }

    private static final String REQUEST_COLUMNS = "r.id, r.patient_ref, p.name AS patient_name, p.patient_id, "
            + "r.requested_by, r.received_at, r.period_from, r.period_to, r.free_of_charge, r.due_at, "
            + "r.extended_at, r.extension_reason, r.delivered_at FROM portal.accounting_request r "
            + "JOIN portal.patient p ON p.id = r.patient_ref";

    private final Pool pool;

    AccountingRepository(Pool pool) {
        this.pool = pool;
    }

    Pool pool() {
        return pool;
    }

    /** The patient's name as the registry holds it (DICOM PN), if the patient exists. */
    Uni<Optional<String>> patientName(UUID patient) {
        return pool.preparedQuery("SELECT name FROM portal.patient WHERE id = $1").execute(Tuple.of(patient))
                .map(rows -> rows.size() == 0
                        ? Optional.empty()
                        : Optional.of(rows.iterator().next().getString("name")));
    }

    Uni<List<UUID>> patientsByMrn(String mrn) {
        return pool.preparedQuery("SELECT id FROM portal.patient WHERE patient_id = $1 LIMIT 2").execute(Tuple.of(mrn))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID("id")));
                    return out;
                });
    }

    Uni<Boolean> suspensionOf(UUID suspension, UUID patient) {
        return pool.preparedQuery("SELECT 1 FROM portal.disclosure_suspension WHERE id = $1 AND patient_ref = $2")
                .execute(Tuple.of(suspension, patient)).map(rows -> rows.size() > 0);
    }

    Uni<Void> insertSuspension(SqlClient tx, UUID id, UUID patient, Suspension s, String by) {
        return tx.preparedQuery("INSERT INTO portal.disclosure_suspension (id, patient_ref, agency, requested_by, "
                + "written, statement, until, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(Tuple.from(List.of(id, patient, s.agency().strip(), s.requestedBy().strip(), s.written(),
                        s.statement().strip(), s.until(), by)))
                .replaceWithVoid();
    }

    /**
     * The patient's disclosures made in [from, to), oldest first, leaving out those recorded under a suspension
     * still in force on {@code today}.
     */
    Uni<List<AccountingReport.Disclosure>> disclosures(UUID patient, Instant from, Instant to, LocalDate today) {
        return pool.preparedQuery("SELECT d.at, d.recipient_name, d.recipient_claimed, d.recipient_address, d.action, "
                + "d.description, d.purpose, d.category, d.exception, d.study_ref FROM portal.disclosure d "
                + "LEFT JOIN portal.disclosure_suspension s ON s.id = d.suspension_ref "
                + "WHERE d.patient_ref = $1 AND d.at >= $2 AND d.at < $3 AND (s.id IS NULL OR s.until < $4) "
                + "ORDER BY d.at, d.id")
                .execute(Tuple.of(patient, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), today))
                .map(rows -> {
                    List<AccountingReport.Disclosure> out = new ArrayList<>();
                    for (Row r : rows) {
                        boolean accountable = "ACCOUNTABLE".equals(r.getString("category"));
                        out.add(new AccountingReport.Disclosure(r.getOffsetDateTime("at").toInstant(),
                                r.getString("recipient_name"), r.getString("recipient_claimed"),
                                r.getString("recipient_address"), r.getString("action"),
                                r.getJsonObject("description").getMap(), r.getString("purpose"), accountable,
                                accountable ? null : Exemption.valueOf(r.getString("exception")),
                                r.getUUID("study_ref")));
                    }
                    return out;
                });
    }

    /** An access by the practice's own staff, as the audit trail holds it, and to what (the entry's entity). */
    record StaffAccess(Instant at, String actor, String action, String entity) {
    }

    /**
     * Accesses to the patient's record or studies by the practice's own staff in [from, to), from the audit trail:
     * not the patient, not a physician or link recipient (those are disclosures, listed from their records).
     */
    Uni<List<StaffAccess>> staffAccesses(UUID patient, Instant from, Instant to) {
        return pool.preparedQuery("SELECT a.at, a.actor, a.action, a.entity FROM portal.audit_event a "
                + "WHERE (a.entity = $4 OR a.entity IN (SELECT 'study:' || s.id FROM portal.study s "
                + "WHERE s.patient_ref = $1 UNION ALL SELECT 'study:' || t.study_id FROM portal.study_tombstone t "
                + "WHERE t.patient_ref = $1)) AND a.at >= $2 AND a.at < $3 AND a.outcome = 'success' "
                + "AND a.action IN ('study.retrieve', 'instance.retrieve', 'study.download', 'patient.viewed', "
                + "'breakglass.opened') AND a.actor NOT LIKE 'link:%' AND a.actor <> 'system' "
                + "AND NOT EXISTS (SELECT 1 FROM portal.patient p WHERE p.account_subject = a.actor) "
                // a physician's releases are disclosures, listed from their records, unless by break-glass
                + "AND (a.detail ? 'breakGlass' OR NOT EXISTS (SELECT 1 FROM portal.provider v "
                + "WHERE v.account_subject = a.actor)) ORDER BY a.id")
                .execute(Tuple.of(patient, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC),
                        "patient:" + patient))
                .map(rows -> {
                    List<StaffAccess> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new StaffAccess(r.getOffsetDateTime("at").toInstant(),
                            r.getString("actor"), r.getString("action"), r.getString("entity"))));
                    return out;
                });
    }

    Uni<Void> insertRequest(SqlClient tx, UUID id, UUID patient, String by, Instant received, LocalDate from,
            LocalDate to, boolean free, Instant due) {
        return tx.preparedQuery("INSERT INTO portal.accounting_request (id, patient_ref, requested_by, received_at, "
                + "period_from, period_to, free_of_charge, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(Tuple.from(List.of(id, patient, by, received.atOffset(ZoneOffset.UTC), from, to, free,
                        due.atOffset(ZoneOffset.UTC))))
                .replaceWithVoid();
    }

    /** Whether the patient asked for an accounting since {@code since} (the first in 12 months is free). */
    Uni<Boolean> requestedSince(SqlClient tx, UUID patient, Instant since) {
        return tx.preparedQuery("SELECT 1 FROM portal.accounting_request WHERE patient_ref = $1 AND received_at > $2")
                .execute(Tuple.of(patient, since.atOffset(ZoneOffset.UTC))).map(rows -> rows.size() > 0);
    }

    /** Serialises requests of one patient, so two at once cannot both be the free one. */
    Uni<Void> lockPatient(SqlClient tx, UUID patient) {
        return tx.preparedQuery("SELECT id FROM portal.patient WHERE id = $1 FOR UPDATE").execute(Tuple.of(patient))
                .replaceWithVoid();
    }

    Uni<Optional<RequestRow>> find(UUID id) {
        return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " WHERE r.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(request(rows.iterator().next())));
    }

    Uni<List<RequestRow>> forPatient(UUID patient) {
        return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " WHERE r.patient_ref = $1 ORDER BY r.received_at DESC")
                .execute(Tuple.of(patient)).map(AccountingRepository::requests);
    }

    Uni<List<RequestRow>> open(int limit) {
        return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " WHERE r.delivered_at IS NULL ORDER BY r.due_at "
                + "LIMIT $1").execute(Tuple.of(limit)).map(AccountingRepository::requests);
    }

    /** Extends once, before the deadline, while open; false if that is not the case. */
    Uni<Boolean> extend(SqlClient tx, UUID id, String reason, Instant now, Instant newDue) {
        return tx.preparedQuery("UPDATE portal.accounting_request SET extended_at = $2, extension_reason = $3, "
                + "due_at = $4 WHERE id = $1 AND extended_at IS NULL AND delivered_at IS NULL AND due_at > $2")
                .execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC), reason, newDue.atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Boolean> deliver(SqlClient tx, UUID id, String by, Instant now) {
        return tx.preparedQuery("UPDATE portal.accounting_request SET delivered_at = $2, delivered_by = $3 "
                + "WHERE id = $1 AND delivered_at IS NULL")
                .execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC), by)).map(rows -> rows.rowCount() == 1);
    }

    private static List<RequestRow> requests(RowSet<Row> rows) {
        List<RequestRow> out = new ArrayList<>();
        rows.forEach(r -> out.add(request(r)));
        return out;
    }

    private static RequestRow request(Row r) {
        return new RequestRow(r.getUUID("id"), r.getUUID("patient_ref"), r.getString("patient_name"),
                r.getString("patient_id"), r.getString("requested_by"), r.getOffsetDateTime("received_at"),
                r.getLocalDate("period_from"), r.getLocalDate("period_to"), r.getBoolean("free_of_charge"),
                r.getOffsetDateTime("due_at"), r.getOffsetDateTime("extended_at"), r.getString("extension_reason"),
                r.getOffsetDateTime("delivered_at"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
