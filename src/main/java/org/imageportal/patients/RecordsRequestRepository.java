package org.imageportal.patients;

import java.time.Instant;
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

/** SQL for right-of-access requests and their 30-day clock. */
@ApplicationScoped
public class RecordsRequestRepository {

    private final Pool pool;

    RecordsRequestRepository(Pool pool) {
        this.pool = pool;
    }

    record RequestRow(UUID id, UUID patientRef, String patientName, String mrn, String requestedBy,
            RecordsRequestKind kind, String details, String thirdPartyName, String thirdPartyAddress,
            OffsetDateTime receivedAt, OffsetDateTime dueAt, OffsetDateTime extendedAt, String extensionReason,
            OffsetDateTime fulfilledAt, String fulfilmentNote) {
    }

    Pool pool() {
        return pool;
    }

    Uni<Void> insert(SqlClient tx, UUID id, UUID patient, String requestedBy, RecordsRequestForm form,
            Instant received, Instant due) {
        return tx.preparedQuery("INSERT INTO portal.records_request (id, patient_ref, requested_by, kind, details, "
                + "third_party_name, third_party_address, received_at, due_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
                .execute(Tuple.from(java.util.Arrays.asList(id, patient, requestedBy, form.kind().name(),
                        form.details() == null ? "" : form.details(), form.thirdPartyName(),
                        form.thirdPartyAddress(), utc(received), utc(due))))
                .replaceWithVoid();
    }

    Uni<List<RequestRow>> forPatient(UUID patient) {
        return select("WHERE r.patient_ref = $1 ORDER BY r.received_at DESC LIMIT 100", Tuple.of(patient));
    }

    Uni<List<RequestRow>> open(int limit) {
        return select("WHERE r.fulfilled_at IS NULL ORDER BY r.due_at, r.id LIMIT $1", Tuple.of(limit));
    }

    Uni<Optional<RequestRow>> find(UUID id) {
        return select("WHERE r.id = $1", Tuple.of(id)).map(rows -> rows.stream().findFirst());
    }

    /** Extends once, only before the deadline; false if it was extended, fulfilled or late meanwhile. */
    Uni<Boolean> extend(SqlClient tx, UUID id, String by, String reason, Instant now, Instant newDue) {
        return tx.preparedQuery("UPDATE portal.records_request SET extended_at = $3, extended_by = $2, "
                + "extension_reason = $4, due_at = $5 WHERE id = $1 AND extended_at IS NULL AND fulfilled_at IS NULL "
                + "AND due_at > $3").execute(Tuple.of(id, by, utc(now), reason, utc(newDue)))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Boolean> fulfil(SqlClient tx, UUID id, String by, String note, Instant now) {
        return tx.preparedQuery("UPDATE portal.records_request SET fulfilled_at = $3, fulfilled_by = $2, "
                + "fulfilment_note = $4 WHERE id = $1 AND fulfilled_at IS NULL")
                .execute(Tuple.of(id, by, utc(now), note)).map(rows -> rows.rowCount() == 1);
    }

    private Uni<List<RequestRow>> select(String where, Tuple params) {
        return pool.preparedQuery("SELECT r.*, p.name AS patient_name, p.patient_id AS mrn FROM "
                + "portal.records_request r JOIN portal.patient p ON p.id = r.patient_ref " + where)
                .execute(params).map(RecordsRequestRepository::rows);
    }

    private static List<RequestRow> rows(RowSet<Row> rows) {
        List<RequestRow> out = new ArrayList<>();
        rows.forEach(r -> out.add(new RequestRow(r.getUUID("id"), r.getUUID("patient_ref"),
                r.getString("patient_name"), r.getString("mrn"), r.getString("requested_by"),
                RecordsRequestKind.valueOf(r.getString("kind")), r.getString("details"),
                r.getString("third_party_name"), r.getString("third_party_address"),
                r.getOffsetDateTime("received_at"), r.getOffsetDateTime("due_at"), r.getOffsetDateTime("extended_at"),
                r.getString("extension_reason"), r.getOffsetDateTime("fulfilled_at"),
                r.getString("fulfilment_note"))));
        return out;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
