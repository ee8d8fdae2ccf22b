package org.imageportal.sharing;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.studies.access.StudyGrants;
import org.imageportal.studies.access.StudyGrants.GrantBasis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for grants to physicians and what has been opened under them. */
@ApplicationScoped
public class GrantRepository {

    /** Active at the time given as the last parameter (the portal's clock, not the database's). */
    private static final String ACTIVE = "g.revoked_at IS NULL AND g.expires_at > $%d";

    private final Pool pool;

    GrantRepository(Pool pool) {
        this.pool = pool;
    }

    /** A grant with its physician, its study's headline and how often it was used. */
    record GrantRow(UUID id, UUID studyId, UUID patientRef, UUID providerId, String providerName,
            String providerOrganisation, boolean canDownload, Purpose purpose, String purposeText,
            OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt, String studyDate,
            String studyDescription, List<String> modalities, long opens, OffsetDateTime lastOpened,
            String patientName, String patientBirthDate, List<String> seriesUids) {
    }

    Pool pool() {
        return pool;
    }

    Uni<Void> insert(SqlClient tx, UUID id, UUID study, UUID patient, UUID provider, GrantRequest r,
            List<String> series, String by, Instant expires) {
        return tx.preparedQuery("INSERT INTO portal.share_grant (id, study_ref, patient_ref, provider_ref, "
                + "can_download, purpose, purpose_text, created_by, authorization_note, expires_at, series_uids) "
                + "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
                .execute(Tuple.from(java.util.Arrays.asList(id, study, patient, provider, r.download(),
                        r.purpose().name(), r.purposeText(), by, r.authorizationNote(),
                        expires.atOffset(ZoneOffset.UTC), series == null ? null : series.toArray(String[]::new))))
                .replaceWithVoid();
    }

    /** One-way: a revoked grant never becomes active again. False if it was already revoked. */
    Uni<Boolean> revoke(SqlClient tx, UUID id, String by) {
        return tx.preparedQuery("UPDATE portal.share_grant SET revoked_at = now(), revoked_by = $2 "
                + "WHERE id = $1 AND revoked_at IS NULL").execute(Tuple.of(id, by)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * What the physician's active grants cover: whole studies, or chosen series of a study; with
     * {@code downloadsOnly}, only what grants that allow downloads cover (a view-only grant on a whole study must
     * not widen a download grant on one of its series).
     */
    Uni<StudyGrants.Shared> activeScope(String providerSubject, Instant now, boolean downloadsOnly) {
        return pool.preparedQuery("SELECT g.study_ref, g.series_uids FROM portal.share_grant g JOIN portal.provider p "
                + "ON p.id = g.provider_ref WHERE p.account_subject = $1 AND " + ACTIVE.formatted(2)
                + (downloadsOnly ? " AND g.can_download" : ""))
                .execute(Tuple.of(providerSubject, now.atOffset(ZoneOffset.UTC))).map(rows -> {
                    Set<UUID> studies = new HashSet<>();
                    Set<UUID> whole = new HashSet<>();
                    Set<String> series = new HashSet<>();
                    rows.forEach(r -> {
                        studies.add(r.getUUID(0));
                        String[] chosen = r.getArrayOfStrings(1);
                        if (chosen == null) {
                            whole.add(r.getUUID(0));
                        } else {
                            series.addAll(List.of(chosen));
                        }
                    });
                    return new StudyGrants.Shared(studies, whole, series);
                });
    }

    /** The active grant of this study to this physician with the widest permission, newest first. */
    Uni<Optional<GrantBasis>> activeGrant(String providerSubject, UUID study, Instant now) {
        return pool.preparedQuery("SELECT g.id, g.provider_ref, p.name, g.purpose, g.purpose_text, g.can_download "
                + "FROM portal.share_grant g JOIN portal.provider p ON p.id = g.provider_ref "
                + "WHERE p.account_subject = $1 AND g.study_ref = $2 AND " + ACTIVE.formatted(3)
                + " ORDER BY g.can_download DESC, g.created_at DESC LIMIT 1")
                .execute(Tuple.of(providerSubject, study, now.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    String purpose = r.getString("purpose")
                            + (r.getString("purpose_text") == null ? "" : ": " + r.getString("purpose_text"));
                    return Optional.of(new GrantBasis(r.getUUID("id"), r.getUUID("provider_ref"), r.getString("name"),
                            purpose, r.getBoolean("can_download")));
                });
    }

    Uni<List<GrantRow>> forPatient(UUID patient) {
        return list("g.patient_ref = $1 ORDER BY g.created_at DESC LIMIT 500", Tuple.of(patient));
    }

    Uni<List<GrantRow>> activeForProvider(String providerSubject, Instant now) {
        return list("p.account_subject = $1 AND " + ACTIVE.formatted(2) + " ORDER BY g.created_at DESC LIMIT 500",
                Tuple.of(providerSubject, now.atOffset(ZoneOffset.UTC)));
    }

    Uni<Optional<GrantRow>> find(UUID id) {
        return list("g.id = $1", Tuple.of(id)).map(rows -> rows.stream().findFirst());
    }

    private Uni<List<GrantRow>> list(String where, Tuple params) {
        return pool.preparedQuery("SELECT g.*, p.name AS provider_name, p.organisation, s.study_date, "
                + "s.description AS study_description, s.modalities, s.patient_name, s.birth_date, "
                + "(SELECT count(*) FROM portal.disclosure d WHERE d.basis = 'grant:' || g.id) AS opens, "
                + "(SELECT max(d.at) FROM portal.disclosure d WHERE d.basis = 'grant:' || g.id) AS last_opened "
                + "FROM portal.share_grant g JOIN portal.provider p ON p.id = g.provider_ref "
                + "JOIN portal.study s ON s.id = g.study_ref WHERE " + where)
                .execute(params).map(rows -> {
                    List<GrantRow> out = new ArrayList<>();
                    rows.forEach(r -> {
                        String[] modalities = r.getArrayOfStrings("modalities");
                        out.add(new GrantRow(r.getUUID("id"), r.getUUID("study_ref"), r.getUUID("patient_ref"),
                                r.getUUID("provider_ref"), r.getString("provider_name"), r.getString("organisation"),
                                r.getBoolean("can_download"), Purpose.valueOf(r.getString("purpose")),
                                r.getString("purpose_text"), r.getOffsetDateTime("created_at"),
                                r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("revoked_at"),
                                r.getString("study_date"), r.getString("study_description"),
                                modalities == null ? List.of() : List.of(modalities), r.getLong("opens"),
                                r.getOffsetDateTime("last_opened"), r.getString("patient_name"),
                                r.getString("birth_date"), r.getArrayOfStrings("series_uids") == null
                                        ? null
                                        : List.of(r.getArrayOfStrings("series_uids"))));
                    });
                    return out;
                });
    }

    /** A share about to end, as its expiry warning needs it. */
    record Expiring(UUID id, UUID patientRef, String recipient, String studyDescription, OffsetDateTime expiresAt) {
    }

    /**
     * Active grants that end after {@code now} and no later than {@code until}, that lasted longer than the warning
     * period and were not warned yet: marked warned and returned (at most {@code limit}, rows another instance
     * holds are skipped).
     */
    Uni<List<Expiring>> markExpiring(SqlClient tx, Instant now, Instant until, long periodSeconds, int limit) {
        return tx.preparedQuery("UPDATE portal.share_grant g SET expiry_notified_at = $1 "
                + "FROM portal.provider p, portal.study s WHERE g.id IN (SELECT id FROM portal.share_grant "
                + "WHERE revoked_at IS NULL AND expiry_notified_at IS NULL AND expires_at > $1 AND expires_at <= $2 "
                + "AND expires_at - created_at > make_interval(secs => $3) ORDER BY expires_at LIMIT $4 "
                + "FOR UPDATE SKIP LOCKED) AND p.id = g.provider_ref AND s.id = g.study_ref "
                + "RETURNING g.id, g.patient_ref, p.name AS recipient, s.description, g.expires_at")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), until.atOffset(ZoneOffset.UTC),
                        (double) periodSeconds, limit))
                .map(GrantRepository::expiring);
    }

    /** The shares a warning statement returned (id, patient_ref, recipient, description, expires_at). */
    static List<Expiring> expiring(Iterable<Row> rows) {
        List<Expiring> out = new ArrayList<>();
        rows.forEach(r -> out.add(new Expiring(r.getUUID("id"), r.getUUID("patient_ref"), r.getString("recipient"),
                r.getString("description"), r.getOffsetDateTime("expires_at"))));
        return out;
    }
}
