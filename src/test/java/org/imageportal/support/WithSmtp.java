package org.imageportal.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A portal that sends mail: SMTP to the local sink on the port reserved as "smtp", plain (the sink has no TLS). */
public class WithSmtp implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("portal.mail.enabled", "true", "quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port",
                Integer.toString(TcpRelay.reservePort("smtp")), "quarkus.mailer.start-tls", "DISABLED");
    }
}
