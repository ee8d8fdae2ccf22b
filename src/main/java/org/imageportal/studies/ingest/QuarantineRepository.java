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

    /**
     * Held instances with what decides them: a group is one series' instances held for the same reason, with the
     * same identity in the file and the same patient proposed; {@code variant} names that combination.
     */
    private static final String HELD_KEYED = "WITH held AS (SELECT i.id, i.study_ref, i.series_ref, i.quarantine_reason, "
            + "coalesce(i.quarantine_detail, '') AS detail, i.held_identity, "
            + "coalesce(i.proposed_patient_ref, s.patient_ref) AS proposed, i.created_at, "
            + "md5(i.quarantine_reason || '|' || coalesce(i.quarantine_detail, '') || '|' "
            + "|| coalesce(i.held_identity::text, '') || '|' "
            + "|| coalesce(coalesce(i.proposed_patient_ref, s.patient_ref)::text, '')) AS variant "
            + "FROM portal.instance i JOIN portal.study s ON s.id = i.study_ref WHERE i.quarantine_reason IS NOT NULL) ";

    /** One group of held instances as the review shows it. */
    record GroupRow(UUID seriesId, String variant, int images, String studyDate, String studyDescription,
            String modality, String seriesDescription, Integer seriesNumber, String reason, String fields,
            PatientIdentity inFile, UUID proposedPatient, PatientIdentity proposed, OffsetDateTime heldSince) {
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

    /** The groups, the longest held first. */
    Uni<List<GroupRow>> groups(int limit) {
        return pool.preparedQuery(HELD_KEYED + "SELECT h.series_ref, h.variant, count(*) AS images, "
                + "min(h.created_at) AS held_since, h.quarantine_reason, h.detail, h.held_identity, h.proposed, "
                + "s.study_date, s.description, se.modality, se.description AS series_description, se.series_number, "
                + "p.patient_id AS p_id, p.issuer AS p_issuer, p.name AS p_name, p.birth_date AS p_birth_date, "
                + "p.sex AS p_sex FROM held h JOIN portal.study s ON s.id = h.study_ref "
                + "JOIN portal.series se ON se.id = h.series_ref LEFT JOIN portal.patient p ON p.id = h.proposed "
                + "GROUP BY h.series_ref, h.variant, h.quarantine_reason, h.detail, h.held_identity, h.proposed, s.id, "
                + "se.id, p.id ORDER BY held_since, h.series_ref, h.variant LIMIT $1").execute(Tuple.of(limit))
                .map(rows -> {
                    List<GroupRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new GroupRow(r.getUUID("series_ref"), r.getString("variant"),
                            r.getLong("images").intValue(), r.getString("study_date"), r.getString("description"),
                            r.getString("modality"), r.getString("series_description"),
                            r.getInteger("series_number"), r.getString("quarantine_reason"), r.getString("detail"),
                            identity(r.getJsonObject("held_identity")), r.getUUID("proposed"),
                            r.getUUID("proposed") == null ? null : proposed(r), r.getOffsetDateTime("held_since"))));
                    return out;
                });
    }

    /** The held instances of one group, as they are now. */
    Uni<List<UUID>> group(UUID series, String variant, int limit) {
        return pool.preparedQuery(HELD_KEYED + "SELECT id FROM held WHERE series_ref = $1 AND variant = $2 "
                + "ORDER BY created_at, id LIMIT $3").execute(Tuple.of(series, variant, limit)).map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID("id")));
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

    private static HeldRow held(Row r) {
        PatientIdentity inFile = identity(r.getJsonObject("held_identity"));
        UUID proposedId = r.getUUID("proposed_patient_ref") != null
                ? r.getUUID("proposed_patient_ref")
                : r.getUUID("patient_ref");
        PatientIdentity proposed = proposedId == null ? null : proposed(r);
        String fields = r.getString("quarantine_detail");
        return new HeldRow(r.getUUID("id"), r.getUUID("study_ref"), r.getString("study_uid"),
                r.getString("study_date"), r.getString("description"), r.getString("modality"),
                r.getString("series_description"), r.getInteger("instance_number"), r.getString("quarantine_reason"),
                fields == null ? "" : fields, inFile, r.getOffsetDateTime("created_at"),
                new ObjectKey(r.getString("object_key")), r.getUUID("patient_ref"), proposedId, proposed);
    }

    private static PatientIdentity identity(JsonObject file) {
        return file == null
                ? new PatientIdentity("", "", "", "", "")
                : new PatientIdentity(file.getString("patientId"), file.getString("issuer"), file.getString("name"),
                        file.getString("birthDate"), file.getString("sex"));
    }

    private static PatientIdentity proposed(Row r) {
        return new PatientIdentity(r.getString("p_id"), r.getString("p_issuer"), r.getString("p_name"),
                r.getString("p_birth_date"), r.getString("p_sex"));
    }

    static List<String> fieldList(String fields) {
        return fields.isEmpty() ? List.of() : Arrays.asList(fields.split(","));
    }
}
