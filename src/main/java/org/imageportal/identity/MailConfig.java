package org.imageportal.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether invitations go out by e-mail (the SMTP server itself is {@code quarkus.mailer.*}). */
@ConfigMapping(prefix = "portal.mail")
public interface MailConfig {

    /**
     * True when an SMTP server is configured: activation codes are then e-mailed to the address confirmed at the
     * desk instead of printed; if sending fails, the slip is printed after all.
     */
    @WithDefault("false")
    boolean enabled();
}
