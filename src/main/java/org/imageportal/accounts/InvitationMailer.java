package org.imageportal.accounts;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.identity.MailConfig;
import org.jboss.logging.Logger;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;

/**
 * E-mails an account's activation (portal address, user name, one-time code, expiry, how to activate) when SMTP is
 * configured. The message names no patient and no health information. Blocking: worker threads only.
 */
@ApplicationScoped
public class InvitationMailer {

    private static final Logger LOG = Logger.getLogger(InvitationMailer.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'")
            .withZone(ZoneId.of("UTC"));

    /** How long a front-desk request waits for the SMTP server before printing the slip instead. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final ReactiveMailer mailer;
    private final MailConfig config;

    InvitationMailer(ReactiveMailer mailer, MailConfig config) {
        this.mailer = mailer;
        this.config = config;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** Sends the activation; false (logged without the address or code) if the SMTP server refused or failed. */
    public boolean send(String to, String portalUrl, String username, String activationCode, Instant expires) {
        String text = """
                You have been given access to the patient image portal.

                Portal address:   %s
                User name:        %s
                Activation code:  %s
                Use it before:    %s

                1. Install an authenticator app on your phone (for example FreeOTP, Google Authenticator or
                   Microsoft Authenticator).
                2. Open the portal address. Type the user name, and the activation code where the sign-in
                   page asks for the password.
                3. Scan the QR code the portal shows with the app and type the 6-digit code it displays.
                4. Choose your own password (at least 12 characters) and type it twice.

                The activation code works once. Nobody from the practice will ever ask you for your password or
                for a code from your app. If you did not expect this message, ignore it: without the code nothing
                can be done with it.
                """.formatted(portalUrl, username, activationCode, WHEN.format(expires));
        try {
            mailer.send(Mail.withText(to, "Your access to the patient image portal", text)).await()
                    .atMost(SEND_TIMEOUT);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("the activation e-mail for account %s could not be sent (%s)", username,
                    e.getClass().getSimpleName());
            return false;
        }
    }
}
