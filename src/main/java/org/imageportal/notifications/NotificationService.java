package org.imageportal.notifications;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.MailConfig;
import org.imageportal.platform.security.SecurityConfig;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

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

    private final NotificationRepository notifications;
    private final ReactiveMailer mailer;
    private final MailConfig mail;
    private final SecurityConfig security;

    NotificationService(NotificationRepository notifications, ReactiveMailer mailer, MailConfig mail,
            SecurityConfig security) {
        this.notifications = notifications;
        this.mailer = mailer;
        this.mail = mail;
        this.security = security;
    }

    /** Records a notification in the caller's transaction. */
    public Uni<Void> record(SqlClient tx, UUID patient, Kind kind, String message) {
        return notifications.insert(tx, patient, kind, message);
    }

    /** A notification to record together with an audited change, once per row the change made (see AuditTrail). */
    public org.imageportal.audit.AuditTrail.Change recordIfDone(UUID patient, Kind kind, String message) {
        return notifications.insertIfDone(patient, kind, message);
    }

    /** After the opening committed: the e-mail, if configured; failures are logged (no address) and dropped. */
    public void email(UUID patient) {
        if (!mail.enabled()) {
            return;
        }
        notifications.emailOf(patient).chain(to -> to == null || to.isBlank()
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
        return notifications.recent(patient, limit).call(list -> list.stream().anyMatch(Notification::unread)
                ? notifications.markRead(patient)
                : Uni.createFrom().voidItem());
    }
}
