package org.imageportal.sharing;

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
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for share links. The token itself is never here, only its hash. */
@ApplicationScoped
public class LinkRepository {

    private final Pool pool;

    LinkRepository(Pool pool) {
        this.pool = pool;
    }

    record LinkRow(UUID id, UUID studyId, UUID patientRef, String recipientName, String purpose,
            boolean canDownload, OffsetDateTime notBefore, OffsetDateTime expiresAt, Integer maxOpens, int opens,
            int failedCodes, OffsetDateTime lockedAt, OffsetDateTime createdAt, OffsetDateTime revokedAt,
            String studyDate, String studyDescription, OffsetDateTime lastOpenedAt, List<String> seriesUids) {
    }

    Pool pool() {
        return pool;
    }

    Uni<Void> insert(SqlClient tx, UUID id, String tokenHash, UUID study, UUID patient, LinkRequest r,
            List<String> series, String purpose, String codeHash, Instant notBefore, Instant expires, String by) {
        return tx.preparedQuery("INSERT INTO portal.share_link (id, token_hash, study_ref, patient_ref, "
                + "recipient_name, purpose, can_download, not_before, expires_at, max_opens, code_hash, created_by, "
                + "series_uids, authorization_note, bound_provider) "
                + "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)")
                .execute(Tuple.from(java.util.Arrays.asList(id, tokenHash, study, patient, r.recipientName().strip(),
                        purpose, r.download(), utc(notBefore), utc(expires), r.maxOpens(), codeHash, by,
                        series == null ? null : series.toArray(String[]::new),
                        r.authorizationNote() == null ? null : r.authorizationNote().strip(),
                        r.boundProviderId() == null || r.boundProviderId().isBlank()
                                ? null
                                : UUID.fromString(r.boundProviderId().strip()))))
                .replaceWithVoid();
    }

    Uni<Boolean> revoke(SqlClient tx, UUID id, String by) {
        return tx.preparedQuery("UPDATE portal.share_link SET revoked_at = now(), revoked_by = $2 "
                + "WHERE id = $1 AND revoked_at IS NULL").execute(Tuple.of(id, by)).map(rows -> rows.rowCount() == 1);
    }

    Uni<List<LinkRow>> forPatient(UUID patient) {
        return select("l.patient_ref = $1 ORDER BY l.created_at DESC LIMIT 500", Tuple.of(patient));
    }

    /** The link with this token hash and its access-code hash. */
    Uni<Optional<Row>> byTokenHash(String tokenHash) {
        return pool
                .preparedQuery(
                        "SELECT l.*, s.study_uid, s.study_date, s.description AS study_description, s.modalities, "
                                + "bp.account_subject AS bound_subject, bp.name AS bound_name, "
                                + "s.series_count, s.instance_count FROM portal.share_link l JOIN portal.study s "
                                + "ON s.id = l.study_ref LEFT JOIN portal.provider bp ON bp.id = l.bound_provider "
                                + "WHERE l.token_hash = $1")
                .execute(Tuple.of(tokenHash))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
    }

    static LinkRow link(Row r) {
        return row(r);
    }

    /** Counts a wrong code; locks the link when it reaches {@code limit}. Returns the failures so far. */
    Uni<Integer> failCode(SqlClient tx, UUID id, int limit) {
        return tx.preparedQuery("UPDATE portal.share_link SET failed_codes = failed_codes + 1, locked_at = CASE "
                + "WHEN failed_codes + 1 >= $2 THEN now() ELSE locked_at END WHERE id = $1 RETURNING failed_codes")
                .execute(Tuple.of(id, limit)).map(rows -> rows.iterator().next().getInteger(0));
    }

    /** Counts an opening if the link still allows one; false if its openings are used up or it ended meanwhile. */
    /** Counts an opening if the link can still be opened at {@code now} (returns its id then). */
    org.imageportal.audit.AuditTrail.Change opening(UUID id, Instant now) {
        return new org.imageportal.audit.AuditTrail.Change(
                "UPDATE portal.share_link SET opens = opens + 1, "
                        + "last_opened_at = $2 WHERE id = $1 AND revoked_at IS NULL AND locked_at IS NULL AND $2 >= not_before "
                        + "AND $2 < expires_at AND (max_opens IS NULL OR opens < max_opens) RETURNING id",
                java.util.List.of(id, utc(now)));
    }

    Uni<java.util.Map<UUID, String>> recipientNames(java.util.Collection<UUID> ids) {
        return pool.preparedQuery("SELECT id, recipient_name FROM portal.share_link WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
                    java.util.Map<UUID, String> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put(r.getUUID("id"), r.getString("recipient_name")));
                    return out;
                });
    }

    Uni<Optional<LinkRow>> find(UUID id) {
        return select("l.id = $1", Tuple.of(id)).map(rows -> rows.stream().findFirst());
    }

    private Uni<List<LinkRow>> select(String where, Tuple params) {
        return pool.preparedQuery("SELECT l.*, s.study_date, s.description AS study_description FROM "
                + "portal.share_link l JOIN portal.study s ON s.id = l.study_ref WHERE " + where)
                .execute(params).map(rows -> {
                    List<LinkRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(row(r)));
                    return out;
                });
    }

    private static LinkRow row(Row r) {
        return new LinkRow(r.getUUID("id"), r.getUUID("study_ref"), r.getUUID("patient_ref"),
                r.getString("recipient_name"), r.getString("purpose"), r.getBoolean("can_download"),
                r.getOffsetDateTime("not_before"), r.getOffsetDateTime("expires_at"), r.getInteger("max_opens"),
                r.getInteger("opens"), r.getInteger("failed_codes"), r.getOffsetDateTime("locked_at"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("revoked_at"), r.getString("study_date"),
                r.getString("study_description"), r.getOffsetDateTime("last_opened_at"),
                r.getArrayOfStrings("series_uids") == null ? null : List.of(r.getArrayOfStrings("series_uids")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /**
     * Usable links that end after {@code now} and no later than {@code until}, that lasted longer than the warning
     * period and were not warned yet: marked warned and returned (at most {@code limit}, rows another instance
     * holds are skipped).
     */
    Uni<List<GrantRepository.Expiring>> markExpiring(SqlClient tx, Instant now, Instant until, long periodSeconds,
            int limit) {
        return tx.preparedQuery("UPDATE portal.share_link l SET expiry_notified_at = $1 FROM portal.study s "
                + "WHERE l.id IN (SELECT id FROM portal.share_link WHERE revoked_at IS NULL AND locked_at IS NULL "
                + "AND expiry_notified_at IS NULL AND (max_opens IS NULL OR opens < max_opens) "
                + "AND expires_at > $1 AND expires_at <= $2 AND expires_at - not_before > make_interval(secs => $3) "
                + "ORDER BY expires_at LIMIT $4 FOR UPDATE SKIP LOCKED) AND s.id = l.study_ref "
                + "RETURNING l.id, l.patient_ref, l.recipient_name AS recipient, s.description, l.expires_at")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), until.atOffset(ZoneOffset.UTC),
                        (double) periodSeconds, limit))
                .map(GrantRepository::expiring);
    }
}
