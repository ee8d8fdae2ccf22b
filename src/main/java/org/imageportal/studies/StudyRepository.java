package org.imageportal.studies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.InstanceHeader;
import org.imageportal.dicom.InstanceHeader.RequestAttributes;
import org.imageportal.dicom.PatientIdentity;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.crypto.WrappedStudyKey;
import org.imageportal.studies.StudyRecords.InstanceRecord;
import org.imageportal.studies.StudyRecords.SeriesRecord;
import org.imageportal.studies.StudyRecords.StoredInstance;
import org.imageportal.studies.StudyRecords.StudyRecord;
import org.imageportal.studies.access.StudyScope;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL for the study index: the study, series and instance rows (reactive PostgreSQL client). The patients the
 * studies belong to are the registry's ({@code patients}), the objects no row owns are {@link
 * PendingObjectRepository}'s. Ingest calls it from worker threads and waits; DICOMweb queries compose it reactively.
 */
@ApplicationScoped
public class StudyRepository {

    private static final String STUDY_COLUMNS = "s.id, s.study_uid, s.patient_id, s.issuer, s.patient_name, "
            + "s.birth_date, s.sex, s.study_date, s.study_time, s.accession_number, s.referring_physician, "
            + "s.description, s.study_id, s.modalities, s.series_count, s.instance_count";

    private final Pool pool;

    StudyRepository(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    // ------------------------------------------------------------------ ingest

    /** A study row with its key; {@code created} when this request made it. */
    public record StudyKeyRow(UUID id, UUID patientRef, PatientIdentity identity, WrappedStudyKey key,
            int acceptedInstances, boolean created) {
    }

    /** The study of an instance with its key, if the index has it. */
    /** The row id of the study with this UID, whoever may see it (to audit a refused lookup). */
    public Uni<Optional<UUID>> studyIdOf(String studyUid) {
        return pool.preparedQuery("SELECT id FROM portal.study WHERE study_uid = $1").execute(Tuple.of(studyUid))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID(0)));
    }

    public Uni<Optional<StudyKeyRow>> findStudy(String studyUid) {
        return selectStudy(studyUid, false);
    }

    /**
     * Creates the study with {@code key} (made by the caller off the event loop); if a concurrent request created it
     * first, returns that one (then {@code created} is false and {@code key} was not used).
     */
    public Uni<StudyKeyRow> createStudy(UUID id, InstanceHeader header, WrappedStudyKey key) {
        PatientIdentity p = header.patient();
        return pool.preparedQuery("INSERT INTO portal.study (id, study_uid, patient_id, issuer, patient_name, "
                + "birth_date, sex, study_date, study_time, accession_number, referring_physician, description, "
                + "study_id, wrapped_key, master_key_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
                + "ON CONFLICT (study_uid) DO NOTHING")
                .execute(Tuple.from(List.of(id, header.studyInstanceUid(), p.patientId(), p.issuer(), p.name(),
                        p.birthDate(), p.sex(), header.studyDate(), header.studyTime(), header.accessionNumber(),
                        header.referringPhysicianName(), header.studyDescription(), header.studyId(),
                        Buffer.buffer(key.ciphertext()), key.masterKeyId())))
                .chain(inserted -> selectStudy(header.studyInstanceUid(), inserted.rowCount() == 1))
                .map(Optional::orElseThrow);
    }

    private Uni<Optional<StudyKeyRow>> selectStudy(String studyUid, boolean created) {
        return pool.preparedQuery("SELECT id, patient_ref, patient_id, issuer, patient_name, birth_date, sex, "
                + "wrapped_key, master_key_id, instance_count FROM portal.study WHERE study_uid = $1")
                .execute(Tuple.of(studyUid)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new StudyKeyRow(r.getUUID("id"), r.getUUID("patient_ref"),
                            new PatientIdentity(r.getString("patient_id"), r.getString("issuer"),
                                    r.getString("patient_name"), r.getString("birth_date"), r.getString("sex")),
                            key(r), r.getInteger("instance_count"), created));
                });
    }

    /** Removes a study row that never got an instance (its ingest failed). */
    public Uni<Void> deleteStudyIfEmpty(UUID studyId) {
        return pool.preparedQuery("DELETE FROM portal.study s WHERE s.id = $1 AND NOT EXISTS "
                + "(SELECT 1 FROM portal.instance i WHERE i.study_ref = s.id)").execute(Tuple.of(studyId))
                .replaceWithVoid();
    }

    /** An instance already indexed under a SOP Instance UID. */
    public record ExistingInstance(UUID id, UUID studyId, byte[] sha256) {
    }

    public Uni<Optional<ExistingInstance>> findInstance(String sopInstanceUid) {
        return pool.preparedQuery("SELECT id, study_ref, sha256 FROM portal.instance WHERE sop_instance_uid = $1")
                .execute(Tuple.of(sopInstanceUid))
                .map(rows -> rows.rowCount() == 0
                        ? Optional.empty()
                        : Optional.of(existing(rows.iterator().next())));
    }

    private static ExistingInstance existing(Row r) {
        return new ExistingInstance(r.getUUID("id"), r.getUUID("study_ref"), r.getBuffer("sha256").getBytes());
    }

    /** Returns the series id, creating the series if needed. */
    public Uni<UUID> ensureSeries(SqlClient tx, UUID studyId, InstanceHeader h) {
        return tx.preparedQuery("INSERT INTO portal.series (id, study_ref, series_uid, modality, series_number, "
                + "description, performed_start_date, performed_start_time, request_attributes, body_part) "
                + "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (series_uid) DO NOTHING")
                .execute(Tuple.from(java.util.Arrays.asList(UUID.randomUUID(), studyId, h.seriesInstanceUid(),
                        h.modality(), h.seriesNumber(), h.seriesDescription(), h.performedProcedureStepStartDate(),
                        h.performedProcedureStepStartTime(), requestAttributes(h.requestAttributes()),
                        h.bodyPartExamined())))
                .chain(() -> tx.preparedQuery("SELECT id, study_ref FROM portal.series WHERE series_uid = $1")
                        .execute(Tuple.of(h.seriesInstanceUid())))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (!studyId.equals(r.getUUID("study_ref"))) {
                        throw new IllegalStateException("series belongs to another study");
                    }
                    return r.getUUID("id");
                });
    }

    private static JsonArray requestAttributes(List<RequestAttributes> items) {
        JsonArray out = new JsonArray();
        items.forEach(a -> out.add(new JsonObject().put("requestedProcedureId", a.requestedProcedureId())
                .put("scheduledProcedureStepId", a.scheduledProcedureStepId())
                .put("accessionNumber", a.accessionNumber())));
        return out;
    }

    private static List<RequestAttributes> requestAttributes(JsonArray items) {
        List<RequestAttributes> out = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            JsonObject a = items.getJsonObject(i);
            out.add(new RequestAttributes(a.getString("requestedProcedureId", ""),
                    a.getString("scheduledProcedureStepId", ""), a.getString("accessionNumber", "")));
        }
        return out;
    }

    /** Why an instance is held for review, and the patient a release would join (null: staff choose). */
    public record Hold(String reason, String fields, UUID proposedPatient) {
    }

    /**
     * The new instance row; {@code hold} null for an accepted instance. A held instance keeps the identity its file
     * carries for the review. Unique-key violations (a concurrent duplicate) surface as failures.
     */
    public Uni<UUID> insertInstance(SqlClient tx, UUID studyId, UUID seriesId, InstanceHeader h, ObjectKey key,
            long size, byte[] sha256, byte[] metadata, Hold hold) {
        UUID id = UUID.randomUUID();
        PatientIdentity p = h.patient();
        JsonObject held = hold == null
                ? null
                : new JsonObject().put("patientId", p.patientId()).put("issuer", p.issuer()).put("name", p.name())
                        .put("birthDate", p.birthDate()).put("sex", p.sex());
        return tx.preparedQuery("INSERT INTO portal.instance (id, study_ref, series_ref, sop_instance_uid, "
                + "sop_class_uid, instance_number, transfer_syntax, rows, columns, frames, object_key, size_bytes, "
                + "sha256, quarantine_reason, quarantine_detail, held_identity, proposed_patient_ref, metadata, "
                + "bits_allocated) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)")
                .execute(Tuple.from(java.util.Arrays.asList(id, studyId, seriesId, h.sopInstanceUid(),
                        h.sopClassUid(), h.instanceNumber(), h.transferSyntaxUid(), h.rows(), h.columns(),
                        h.numberOfFrames(), key.value(), size, Buffer.buffer(sha256),
                        hold == null ? null : hold.reason(), hold == null ? null : hold.fields(), held,
                        hold == null ? null : hold.proposedPatient(),
                        metadata == null ? null : Buffer.buffer(metadata), bitsAllocated(h))))
                .replaceWith(id);
    }

    /** Bits Allocated as the index keeps it: a value the standard allows, or none. */
    private static Integer bitsAllocated(InstanceHeader h) {
        Integer bits = h.bitsAllocated();
        return bits != null && bits >= 1 && bits <= 64 ? bits : null;
    }

    /** Links a study to its patient when it has none yet (its first accepted instance); true if it did now. */
    public Uni<Boolean> linkStudy(SqlClient tx, UUID studyId, UUID patientId) {
        return tx.preparedQuery("UPDATE portal.study SET patient_ref = $2 WHERE id = $1 AND patient_ref IS NULL")
                .execute(Tuple.of(studyId, patientId)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Adds one newly accepted instance to its series' and study's counters, size and modalities, in constant time
     * (recounting a study on every instance would make storing an n-instance study cost n squared).
     */
    public Uni<Void> countAccepted(SqlClient tx, UUID studyId, UUID seriesId, long size) {
        return tx.preparedQuery("WITH se AS (UPDATE portal.series SET instance_count = instance_count + 1 "
                + "WHERE id = $2 RETURNING instance_count, modality) "
                + "UPDATE portal.study s SET instance_count = s.instance_count + 1, size_bytes = s.size_bytes + $3, "
                + "series_count = s.series_count + CASE WHEN se.instance_count = 1 THEN 1 ELSE 0 END, "
                + "modalities = CASE WHEN se.modality = '' OR se.modality = ANY (s.modalities) THEN s.modalities "
                + "ELSE ARRAY(SELECT m FROM unnest(s.modalities || se.modality) m ORDER BY m) END, "
                + "updated_at = now() FROM se WHERE s.id = $1")
                .execute(Tuple.of(studyId, seriesId, size)).replaceWithVoid();
    }

    /** Recomputes the study's and its series' counts, sizes and modalities over accepted instances. */
    public Uni<Void> refreshAggregates(SqlClient tx, UUID studyId) {
        return tx.preparedQuery("UPDATE portal.series se SET instance_count = (SELECT count(*) FROM portal.instance i "
                + "WHERE i.series_ref = se.id AND " + StudyScope.RELEASABLE_INSTANCE + ") WHERE se.study_ref = $1")
                .execute(Tuple.of(studyId))
                .chain(() -> tx.preparedQuery("UPDATE portal.study s SET instance_count = a.n, size_bytes = a.bytes, "
                        + "series_count = a.series, modalities = a.modalities, updated_at = now() FROM ("
                        + "SELECT count(i.id) AS n, coalesce(sum(i.size_bytes), 0) AS bytes, "
                        + "count(DISTINCT i.series_ref) AS series, "
                        + "coalesce(array_agg(DISTINCT se.modality) FILTER (WHERE se.modality <> ''), '{}') AS modalities "
                        + "FROM portal.instance i JOIN portal.series se ON se.id = i.series_ref "
                        + "WHERE i.study_ref = $1 AND " + StudyScope.RELEASABLE_INSTANCE + ") a WHERE s.id = $1")
                        .execute(Tuple.of(studyId)))
                .replaceWithVoid();
    }

    /**
     * Deletes the series left without instances and, if no instance is left at all, the study row with its data
     * key (crypto-shredding). Returns whether the study went.
     */
    public Uni<Boolean> pruneEmpty(SqlClient tx, UUID studyId) {
        return tx.preparedQuery("DELETE FROM portal.series se WHERE se.study_ref = $1 AND NOT EXISTS "
                + "(SELECT 1 FROM portal.instance i WHERE i.series_ref = se.id)").execute(Tuple.of(studyId))
                .chain(() -> tx.preparedQuery("DELETE FROM portal.study s WHERE s.id = $1 AND NOT EXISTS "
                        + "(SELECT 1 FROM portal.instance i WHERE i.study_ref = s.id)").execute(Tuple.of(studyId)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** A study row locked for deletion, with the keys of all its objects (quarantined ones included). */
    public record StudyObjects(UUID id, String studyUid, int instances, List<ObjectKey> keys) {
    }

    public Uni<Optional<StudyObjects>> lockStudyObjects(SqlClient tx, UUID studyId) {
        return tx.preparedQuery("SELECT study_uid FROM portal.study WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(studyId))
                .chain(study -> study.rowCount() == 0
                        ? Uni.createFrom().item(Optional.<StudyObjects>empty())
                        : tx.preparedQuery("SELECT object_key FROM portal.instance WHERE study_ref = $1")
                                .execute(Tuple.of(studyId)).map(rows -> {
                                    List<ObjectKey> keys = new ArrayList<>();
                                    rows.forEach(r -> keys.add(new ObjectKey(r.getString(0))));
                                    return Optional.of(new StudyObjects(studyId,
                                            study.iterator().next().getString(0), keys.size(), keys));
                                }));
    }

    /** A held instance accepted: out of the quarantine, its held identity and proposed patient dropped. */
    public Uni<Void> releaseFromQuarantine(SqlClient tx, UUID instanceId) {
        return tx.preparedQuery("UPDATE portal.instance SET quarantine_reason = NULL, quarantine_detail = NULL, "
                + "held_identity = NULL, proposed_patient_ref = NULL WHERE id = $1").execute(Tuple.of(instanceId))
                .replaceWithVoid();
    }

    /** Deletes one instance row (a held instance the desk discarded); its object is retired by the caller. */
    public Uni<Void> deleteInstance(SqlClient tx, UUID instanceId) {
        return tx.preparedQuery("DELETE FROM portal.instance WHERE id = $1").execute(Tuple.of(instanceId))
                .replaceWithVoid();
    }

    /** Puts a study on legal hold (with its reason) or releases it; false if there is no such study. */
    public Uni<Boolean> setLegalHold(SqlClient tx, UUID studyId, boolean hold, String reason) {
        return tx.preparedQuery("UPDATE portal.study SET legal_hold = $2, legal_hold_reason = $3 WHERE id = $1")
                .execute(Tuple.of(studyId, hold, reason)).map(rows -> rows.rowCount() == 1);
    }

    /** Deletes a study row; its series and instances go with it (ON DELETE CASCADE), and so does its data key. */
    public Uni<Void> deleteStudy(SqlClient tx, UUID studyId) {
        return tx.preparedQuery("DELETE FROM portal.study WHERE id = $1").execute(Tuple.of(studyId))
                .replaceWithVoid();
    }

    public Uni<Optional<UUID>> studyId(String studyUid) {
        return pool.preparedQuery("SELECT id FROM portal.study WHERE study_uid = $1").execute(Tuple.of(studyUid))
                .map(rows -> rows.rowCount() == 0
                        ? Optional.empty()
                        : Optional.of(rows.iterator().next().getUUID(0)));
    }

    // ------------------------------------------------------------------ QIDO

    public Uni<List<StudyRecord>> studies(SqlWhere where, int limit, int offset) {
        String sql = "SELECT " + STUDY_COLUMNS + " FROM portal.study s" + where.sql()
                + " ORDER BY s.study_date DESC, s.study_time DESC, s.id LIMIT $" + where.nextParam() + " OFFSET $"
                + (where.nextParam() + 1);
        return pool.preparedQuery(sql).execute(where.tuple(limit, offset)).map(rows -> {
            List<StudyRecord> out = new ArrayList<>();
            rows.forEach(r -> out.add(study(r)));
            return out;
        });
    }

    private static StudyRecord study(Row r) {
        String[] modalities = r.getArrayOfStrings("modalities");
        return new StudyRecord(r.getUUID("id"), r.getString("study_uid"),
                new PatientIdentity(r.getString("patient_id"), r.getString("issuer"), r.getString("patient_name"),
                        r.getString("birth_date"), r.getString("sex")),
                r.getString("study_date"), r.getString("study_time"), r.getString("accession_number"),
                r.getString("referring_physician"), r.getString("description"), r.getString("study_id"),
                modalities == null ? List.of() : List.of(modalities), r.getInteger("series_count"),
                r.getInteger("instance_count"));
    }

    public Uni<List<SeriesRecord>> series(SqlWhere where, int limit, int offset) {
        String sql = "SELECT s.study_uid, se.series_uid, se.modality, se.series_number, se.description, "
                + "se.performed_start_date, se.performed_start_time, se.request_attributes, se.instance_count "
                + "FROM portal.series se "
                + "JOIN portal.study s ON s.id = se.study_ref" + where.sql()
                + " ORDER BY s.study_uid, se.series_number NULLS LAST, se.series_uid LIMIT $" + where.nextParam()
                + " OFFSET $" + (where.nextParam() + 1);
        return pool.preparedQuery(sql).execute(where.tuple(limit, offset)).map(rows -> {
            List<SeriesRecord> out = new ArrayList<>();
            rows.forEach(r -> out.add(new SeriesRecord(r.getString("study_uid"), r.getString("series_uid"),
                    r.getString("modality"), r.getInteger("series_number"), r.getString("description"),
                    r.getString("performed_start_date"), r.getString("performed_start_time"),
                    requestAttributes((JsonArray) r.getValue("request_attributes")), r.getInteger("instance_count"))));
            return out;
        });
    }

    public Uni<List<InstanceRecord>> instances(SqlWhere where, int limit, int offset) {
        String sql = "SELECT s.study_uid, se.series_uid, i.sop_instance_uid, i.sop_class_uid, i.instance_number, "
                + "i.rows, i.columns, i.bits_allocated, i.frames, i.transfer_syntax FROM portal.instance i "
                + "JOIN portal.series se ON se.id = i.series_ref JOIN portal.study s ON s.id = i.study_ref"
                + where.sql() + " ORDER BY se.series_uid, i.instance_number NULLS LAST, i.sop_instance_uid LIMIT $"
                + where.nextParam() + " OFFSET $" + (where.nextParam() + 1);
        return pool.preparedQuery(sql).execute(where.tuple(limit, offset)).map(rows -> {
            List<InstanceRecord> out = new ArrayList<>();
            rows.forEach(r -> out.add(new InstanceRecord(r.getString("study_uid"), r.getString("series_uid"),
                    r.getString("sop_instance_uid"), r.getString("sop_class_uid"), r.getInteger("instance_number"),
                    r.getInteger("rows"), r.getInteger("columns"), r.getInteger("bits_allocated"),
                    r.getInteger("frames"), r.getString("transfer_syntax"), Map.of())));
            return out;
        });
    }

    // ------------------------------------------------------------------ WADO

    /** Accepted instances (in scope) of a study, optionally one series or one instance, in a stable order. */
    public Uni<List<StoredInstance>> stored(SqlWhere where) {
        String sql = "SELECT s.id AS study_id, s.study_uid, se.series_uid, i.sop_instance_uid, i.transfer_syntax, "
                + "i.object_key, i.size_bytes, i.metadata, s.wrapped_key, s.master_key_id FROM portal.instance i "
                + "JOIN portal.series se ON se.id = i.series_ref JOIN portal.study s ON s.id = i.study_ref"
                + where.sql() + " ORDER BY se.series_number NULLS LAST, se.series_uid, i.instance_number NULLS LAST, "
                + "i.sop_instance_uid";
        return pool.preparedQuery(sql).execute(where.tuple()).map(rows -> {
            List<StoredInstance> out = new ArrayList<>();
            rows.forEach(r -> out.add(new StoredInstance(r.getUUID("study_id"), r.getString("study_uid"),
                    r.getString("series_uid"), r.getString("sop_instance_uid"), r.getString("transfer_syntax"),
                    new ObjectKey(r.getString("object_key")), r.getLong("size_bytes"), key(r),
                    r.getBuffer("metadata") == null ? null : r.getBuffer("metadata").getBytes())));
            return out;
        });
    }

    private static WrappedStudyKey key(Row r) {
        return new WrappedStudyKey(r.getBuffer("wrapped_key").getBytes(), r.getLong("master_key_id"));
    }

    // ------------------------------------------------------------------ keys

    /** A study's wrapped key, for re-wrapping under a new master key. */
    public record WrappedKeyRow(UUID studyId, WrappedStudyKey key) {
    }

    public Uni<List<WrappedKeyRow>> keysNotWrappedBy(long masterKeyId, int batch) {
        return pool.preparedQuery("SELECT id, wrapped_key, master_key_id FROM portal.study WHERE master_key_id <> $1 "
                + "ORDER BY id LIMIT $2").execute(Tuple.of(masterKeyId, batch)).map(rows -> {
                    List<WrappedKeyRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new WrappedKeyRow(r.getUUID("id"), key(r))));
                    return out;
                });
    }

    /** Replaces a wrapped key if it is still the one read; returns whether it was. */
    public Uni<Boolean> replaceKey(UUID studyId, WrappedStudyKey old, WrappedStudyKey fresh) {
        return pool.preparedQuery("UPDATE portal.study SET wrapped_key = $3, master_key_id = $4 "
                + "WHERE id = $1 AND master_key_id = $2")
                .execute(Tuple.of(studyId, old.masterKeyId(), Buffer.buffer(fresh.ciphertext()),
                        fresh.masterKeyId()))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Long> countKeysNotWrappedBy(long masterKeyId) {
        return pool.preparedQuery("SELECT count(*) FROM portal.study WHERE master_key_id <> $1")
                .execute(Tuple.of(masterKeyId)).map(rows -> rows.iterator().next().getLong(0));
    }
}
