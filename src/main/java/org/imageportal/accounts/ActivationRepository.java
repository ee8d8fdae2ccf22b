package org.imageportal.accounts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for the activation windows of issued accounts. */
@ApplicationScoped
public class ActivationRepository {

    private final Pool pool;

    ActivationRepository(Pool pool) {
        this.pool = pool;
    }

    /** An activation still open at its expiry time. */
    record Pending(String subject, UUID patientRef, OffsetDateTime expiresAt) {
    }

    /** Opens (or re-opens, on re-issue) the account's activation window. */
    Uni<Void> open(SqlClient tx, String subject, UUID patientRef, String issuedBy, Instant issuedAt,
            Instant expiresAt) {
        return tx.preparedQuery("INSERT INTO portal.account_activation (account_subject, patient_ref, issued_by, "
                + "issued_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_subject) DO UPDATE SET "
                + "issued_by = $3, issued_at = $4, expires_at = $5, activated_at = NULL, expired_at = NULL")
                .execute(Tuple.of(subject, patientRef, issuedBy, utc(issuedAt), utc(expiresAt))).replaceWithVoid();
    }

    /** Open activations whose window has closed by {@code now}. */
    Uni<List<Pending>> due(Instant now, int batch) {
        return pool.preparedQuery("SELECT account_subject, patient_ref, expires_at FROM portal.account_activation "
                + "WHERE activated_at IS NULL AND expired_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2")
                .execute(Tuple.of(utc(now), batch)).map(rows -> {
                    List<Pending> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Pending(r.getString("account_subject"), r.getUUID("patient_ref"),
                            r.getOffsetDateTime("expires_at"))));
                    return out;
                });
    }

    /** Marks the activation done; false if it was already closed. */
    Uni<Boolean> markActivated(String subject, Instant at) {
        return close(pool, "activated_at", subject, at);
    }

    /** Marks the activation expired in the caller's transaction; false if another sweep or the holder closed it. */
    Uni<Boolean> markExpired(SqlClient tx, String subject, Instant at) {
        return close(tx, "expired_at", subject, at);
    }

    private static Uni<Boolean> close(SqlClient client, String column, String subject, Instant at) {
        return client.preparedQuery("UPDATE portal.account_activation SET " + column + " = $2 "
                + "WHERE account_subject = $1 AND activated_at IS NULL AND expired_at IS NULL")
                .execute(Tuple.of(subject, utc(at))).map(rows -> rows.rowCount() == 1);
    }

    Pool pool() {
        return pool;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
