package org.imageportal.notifications;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.MailConfig;
import org.imageportal.platform.security.SecurityConfig;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tells patients when something they shared is opened: a notification in the portal, written in the transaction
 * of the opening, and, when SMTP is configured and the desk confirmed an address, an e-mail that only says that a
 * shared study was opened (no name, no health information; the details are behind the sign-in). A failing mail
 * server never blocks an opening.
 */
@ApplicationScoped
public class NotificationService {

    private static final Logger LOG = Logger.getLogger(NotificationService.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    /** What a notification is about. */
    public enum Kind {
        LINK_OPENED, GRANT_OPENED
    }

    /** A notification as the patient sees it. */
    public record Notification(long id, OffsetDateTime at, Kind kind, String message, boolean unread) {
    }

    private final Pool pool;
    private final ReactiveMailer mailer;
    private final MailConfig mail;
    private final SecurityConfig security;

    NotificationService(Pool pool, ReactiveMailer mailer, MailConfig mail, SecurityConfig security) {
        this.pool = pool;
        this.mailer = mailer;
        this.mail = mail;
        this.security = security;
    }

    /** Records a notification in the caller's transaction. */
    public Uni<Void> record(SqlClient tx, UUID patient, Kind kind, String message) {
        return tx.preparedQuery("INSERT INTO portal.notification (patient_ref, kind, message) VALUES ($1, $2, $3)")
                .execute(Tuple.of(patient, kind.name(), message)).replaceWithVoid();
    }

    /** A notification to record together with an audited change, once per row the change made (see AuditTrail). */
    public org.imageportal.audit.AuditTrail.Change recordIfDone(UUID patient, Kind kind, String message) {
        return new org.imageportal.audit.AuditTrail.Change("INSERT INTO portal.notification (patient_ref, "
                + "kind, message) SELECT $1::uuid, $2::text, $3::text FROM "
                + org.imageportal.audit.AuditTrail.DONE, java.util.List.of(patient, kind.name(), message));
    }

    /** After the opening committed: the e-mail, if configured; failures are logged (no address) and dropped. */
    public void email(UUID patient) {
        if (!mail.enabled()) {
            return;
        }
        pool.preparedQuery("SELECT email FROM portal.patient WHERE id = $1").execute(Tuple.of(patient))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("email"))
                .chain(to -> to == null || to.isBlank()
                        ? Uni.createFrom().voidItem()
                        : mailer.send(Mail.withText(to, "A study you shared was opened", """
                                A study you shared through the patient image portal was just opened.

                                Sign in at %s to see who opened what and when, and to take access back if you
                                did not expect this.
                                """.formatted(security.publicUrl()))))
                .ifNoItem().after(SEND_TIMEOUT).fail()
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("a notification e-mail for patient %s could not be sent (%s)", patient,
                        e.getClass().getSimpleName()));
    }

    /** The patient's latest notifications, newest first; reading them marks them read. */
    public Uni<List<Notification>> recent(UUID patient, int limit) {
        return pool.preparedQuery("SELECT id, at, kind, message, read_at FROM portal.notification "
                + "WHERE patient_ref = $1 ORDER BY at DESC, id DESC LIMIT $2").execute(Tuple.of(patient, limit))
                .map(rows -> {
                    List<Notification> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Notification(r.getLong("id"), r.getOffsetDateTime("at"),
                            Kind.valueOf(r.getString("kind")), r.getString("message"),
                            r.getOffsetDateTime("read_at") == null)));
                    return out;
                })
                .call(list -> list.stream().anyMatch(Notification::unread)
                        ? pool.preparedQuery("UPDATE portal.notification SET read_at = now() WHERE patient_ref = $1 "
                                + "AND read_at IS NULL").execute(Tuple.of(patient))
                        : Uni.createFrom().voidItem());
    }
}
