package org.imageportal.platform.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;

/** What an administrator needs to see at a glance: versions and the state of each service the portal uses. */
@ApplicationScoped
public class SystemStatus {

    /** One readiness check. */
    public record Check(String name, String status) {
    }

    /** The portal as a whole. */
    public record View(String application, String version, String javaVersion, List<String> profiles,
            String status, List<Check> checks) {
    }

    @Inject
    SmallRyeHealthReporter health;

    @ConfigProperty(name = "quarkus.application.name")
    String application;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    public Uni<View> current() {
        return health.getReadinessAsync().map(report -> {
            JsonObject payload = report.getPayload();
            List<Check> checks = payload.getJsonArray("checks").stream()
                    .map(JsonObject.class::cast)
                    .map(c -> new Check(c.getString("name"), c.getString("status")))
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .toList();
            return new View(application, version, Runtime.version().toString(), ConfigUtils.getProfiles(),
                    payload.getString("status"), checks);
        });
    }
}
