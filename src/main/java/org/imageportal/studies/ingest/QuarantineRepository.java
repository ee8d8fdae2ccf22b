package org.imageportal.studies.ingest;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.PatientIdentity;
import org.imageportal.storage.ObjectKey;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for the quarantine review: instances held because their patient identity did not match. */
@ApplicationScoped
class QuarantineRepository {

    private static final String HELD = "SELECT i.id, i.study_ref, s.study_uid, s.study_date, s.description, "
            + "se.modality, se.description AS series_description, i.instance_number, i.quarantine_reason, "
            + "i.quarantine_detail, i.held_identity, i.created_at, i.object_key, s.patient_ref, "
            + "i.proposed_patient_ref, p.patient_id AS p_id, p.issuer AS p_issuer, p.name AS p_name, "
            + "p.birth_date AS p_birth_date, p.sex AS p_sex FROM portal.instance i "
            + "JOIN portal.study s ON s.id = i.study_ref JOIN portal.series se ON se.id = i.series_ref "
            + "LEFT JOIN portal.patient p ON p.id = coalesce(i.proposed_patient_ref, s.patient_ref) "
            + "WHERE i.quarantine_reason IS NOT NULL";

    /** A held instance as the review shows it; {@code proposed} is the patient a release would join, if any. */
    record HeldRow(UUID id, UUID studyId, String studyUid, String studyDate, String studyDescription,
            String modality, String seriesDescription, Integer instanceNumber, String reason, String fields,
            PatientIdentity inFile, OffsetDateTime heldAt, ObjectKey objectKey, UUID studyPatient,
            UUID proposedPatient, PatientIdentity proposed) {
    }

    private final Pool pool;

    QuarantineRepository(Pool pool) {
        this.pool = pool;
    }

    Pool pool() {
        return pool;
    }

    Uni<List<HeldRow>> list(int limit) {
        return pool.preparedQuery(HELD + " ORDER BY i.created_at, i.id LIMIT $1").execute(Tuple.of(limit))
                .map(rows -> {
                    List<HeldRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(held(r)));
                    return out;
                });
    }

    Uni<Optional<HeldRow>> find(UUID id) {
        return pool.preparedQuery(HELD + " AND i.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(held(rows.iterator().next())));
    }

    /** The held instance, locked with its study row for a decision. */
    Uni<Optional<HeldRow>> lock(SqlClient tx, UUID id) {
        return tx.preparedQuery(HELD + " AND i.id = $1 FOR UPDATE OF i, s").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(held(rows.iterator().next())));
    }

    Uni<Boolean> patientExists(SqlClient tx, UUID patientId) {
        return tx.preparedQuery("SELECT 1 FROM portal.patient WHERE id = $1").execute(Tuple.of(patientId))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Void> accept(SqlClient tx, UUID id) {
        return tx.preparedQuery("UPDATE portal.instance SET quarantine_reason = NULL, quarantine_detail = NULL, "
                + "held_identity = NULL, proposed_patient_ref = NULL WHERE id = $1").execute(Tuple.of(id))
                .replaceWithVoid();
    }

    Uni<Void> delete(SqlClient tx, UUID id) {
        return tx.preparedQuery("DELETE FROM portal.instance WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    private static HeldRow held(Row r) {
        JsonObject file = r.getJsonObject("held_identity");
        PatientIdentity inFile = file == null
                ? new PatientIdentity("", "", "", "", "")
                : new PatientIdentity(file.getString("patientId"), file.getString("issuer"), file.getString("name"),
                        file.getString("birthDate"), file.getString("sex"));
        UUID proposedId = r.getUUID("proposed_patient_ref") != null
                ? r.getUUID("proposed_patient_ref")
                : r.getUUID("patient_ref");
        PatientIdentity proposed = proposedId == null
                ? null
                : new PatientIdentity(r.getString("p_id"), r.getString("p_issuer"), r.getString("p_name"),
                        r.getString("p_birth_date"), r.getString("p_sex"));
        String fields = r.getString("quarantine_detail");
        return new HeldRow(r.getUUID("id"), r.getUUID("study_ref"), r.getString("study_uid"),
                r.getString("study_date"), r.getString("description"), r.getString("modality"),
                r.getString("series_description"), r.getInteger("instance_number"), r.getString("quarantine_reason"),
                fields == null ? "" : fields, inFile, r.getOffsetDateTime("created_at"),
                new ObjectKey(r.getString("object_key")), r.getUUID("patient_ref"), proposedId, proposed);
    }

    static List<String> fieldList(String fields) {
        return fields.isEmpty() ? List.of() : Arrays.asList(fields.split(","));
    }
}
