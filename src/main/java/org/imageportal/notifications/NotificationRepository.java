package org.imageportal.notifications;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.notifications.NotificationService.Notification;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The rows of {@code portal.notification}, the one class that writes them. */
@ApplicationScoped
class NotificationRepository {

    private final Pool pool;

    NotificationRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<Void> insert(SqlClient tx, UUID patient, Kind kind, String message) {
        return tx.preparedQuery("INSERT INTO portal.notification (patient_ref, kind, message) VALUES ($1, $2, $3)")
                .execute(Tuple.of(patient, kind.name(), message)).replaceWithVoid();
    }

    /** The insert as part of an audited change, made once per row the change made. */
    AuditTrail.Change insertIfDone(UUID patient, Kind kind, String message) {
        return new AuditTrail.Change("INSERT INTO portal.notification (patient_ref, kind, message) "
                + "SELECT $1::uuid, $2::text, $3::text FROM " + AuditTrail.DONE,
                List.of(patient, kind.name(),
                        message));
    }

    /**
     * The address the desk confirmed for the patient's account, or null; null too for a kind that collapses while an
     * e-mailed notification of that kind is still unread.
     */
    Uni<String> emailOf(UUID patient, Kind kind) {
        return pool.preparedQuery("SELECT email FROM portal.patient p WHERE id = $1 AND NOT ($2 AND EXISTS "
                + "(SELECT 1 FROM portal.notification n WHERE n.patient_ref = p.id AND n.kind = $3 "
                + "AND n.emailed_at IS NOT NULL AND n.read_at IS NULL))")
                .execute(Tuple.of(patient, kind.collapses(), kind.name()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("email"));
    }

    /** The patient's notifications of this kind not yet e-mailed are now. */
    Uni<Void> markEmailed(UUID patient, Kind kind) {
        return pool.preparedQuery("UPDATE portal.notification SET emailed_at = now() WHERE patient_ref = $1 "
                + "AND kind = $2 AND emailed_at IS NULL").execute(Tuple.of(patient, kind.name())).replaceWithVoid();
    }

    Uni<List<Notification>> recent(UUID patient, int limit) {
        return pool.preparedQuery("SELECT id, at, kind, message, read_at FROM portal.notification "
                + "WHERE patient_ref = $1 ORDER BY at DESC, id DESC LIMIT $2").execute(Tuple.of(patient, limit))
                .map(rows -> {
                    List<Notification> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Notification(r.getLong("id"), r.getOffsetDateTime("at"),
                            Kind.valueOf(r.getString("kind")), r.getString("message"),
                            r.getOffsetDateTime("read_at") == null)));
                    return out;
                });
    }

    Uni<Void> markRead(UUID patient) {
        return pool.preparedQuery("UPDATE portal.notification SET read_at = now() WHERE patient_ref = $1 "
                + "AND read_at IS NULL").execute(Tuple.of(patient)).replaceWithVoid();
    }
}
