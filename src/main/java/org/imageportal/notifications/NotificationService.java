package org.imageportal.notifications;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.MailConfig;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.platform.text.Words;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Tells patients what happened to their records: a new study arrived, something they shared was opened or is about
 * to end, an accounting they asked for was delivered. Each is a notification in the portal, written in the
 * transaction of the event, and, when SMTP is configured and the desk confirmed an address, an e-mail that only says
 * what kind of thing happened (no name, no health information, no link to a study: the details are behind the
 * sign-in). When the e-mail went out is recorded on the notification. A failing mail server never blocks the event.
 */
@ApplicationScoped
public class NotificationService {

    private static final Logger LOG = Logger.getLogger(NotificationService.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    /** What a notification is about. */
    public enum Kind {

        LINK_OPENED("A study you shared was opened", """
                A study you shared through the patient image portal was just opened.

                Sign in at %s to see who opened what and when, and to take access back if you
                did not expect this.
                """), GRANT_OPENED(LINK_OPENED.subject,
                LINK_OPENED.body), NEW_STUDY("New images in your patient image portal", """
                        The practice has made new images available to you in the patient image portal.

                        Sign in at %s to see them, download them or share them with a doctor.
                        """), SHARE_EXPIRING("Access you gave to a study ends soon", """
                        Access you gave to one of your studies through the patient image portal ends soon.

                        Sign in at %s to see which one, and share it again if it is still needed.
                        """), ACCOUNTING_DELIVERED("Your accounting of disclosures is ready", """
                        The accounting of disclosures you asked for is ready.

                        Sign in at %s to read it or download it.
                        """);

        private final String subject;
        private final String body;

        Kind(String subject, String body) {
            this.subject = subject;
            this.body = body;
        }

        /** Whether one e-mail stands for all of its kind until the patient has read them (a batch of studies). */
        boolean collapses() {
            return this == NEW_STUDY;
        }
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

    /** Records, in the caller's transaction, that a study has become the patient's (its first accepted image). */
    public Uni<Void> recordNewStudy(SqlClient tx, UUID patient, String studyDescription, String studyDate) {
        String what = studyDescription == null || studyDescription.isBlank() ? "a study" : studyDescription.strip();
        String when = studyDate == null || !studyDate.matches("\\d{8}") ? "" : " of " + Words.date(studyDate);
        return record(tx, patient, Kind.NEW_STUDY, "New images are available: " + what + when + ".");
    }

    /** A notification to record together with an audited change, once per row the change made (see AuditTrail). */
    public org.imageportal.audit.AuditTrail.Change recordIfDone(UUID patient, Kind kind, String message) {
        return notifications.insertIfDone(patient, kind, message);
    }

    /**
     * After the event committed: the e-mail, if configured and the patient has a confirmed address, then the
     * notifications of its kind marked as e-mailed. A new study is e-mailed once until the patient has read the
     * notifications (a batch of studies is one e-mail). Failures are logged (no address) and dropped.
     */
    public void email(UUID patient, Kind kind) {
        if (!mail.enabled()) {
            return;
        }
        notifications.emailOf(patient, kind).chain(to -> to == null || to.isBlank()
                ? Uni.createFrom().voidItem()
                : mailer.send(Mail.withText(to, kind.subject, kind.body.formatted(security.publicUrl())))
                        .chain(() -> notifications.markEmailed(patient, kind)))
                .ifNoItem().after(SEND_TIMEOUT).fail()
                .subscribe().with(ok -> {
                }, e -> LOG.warnf("a notification e-mail (%s) for patient %s could not be sent (%s)", kind, patient,
                        e.getClass().getSimpleName()));
    }

    /** The patient's latest notifications, newest first; reading them marks them read. */
    public Uni<List<Notification>> recent(UUID patient, int limit) {
        return notifications.recent(patient, limit).call(list -> list.stream().anyMatch(Notification::unread)
                ? notifications.markRead(patient)
                : Uni.createFrom().voidItem());
    }
}
