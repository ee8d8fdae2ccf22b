package org.imageportal.accounts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.imageportal.identity.IdentityConfig;

/** Ready only if the realm's OpenID discovery document answers: without Keycloak nobody can sign in. */
@Readiness
@ApplicationScoped
public class KeycloakHealthCheck implements HealthCheck {

    static final String NAME = "keycloak";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    IdentityConfig config;

    @Override
    public HealthCheckResponse call() {
        URI discovery = URI.create(config.keycloakUrl() + "/realms/" + config.realm()
                + "/.well-known/openid-configuration");
        try {
            HttpResponse<Void> response = client.send(
                    HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                return HealthCheckResponse.named(NAME).up().build();
            }
            return HealthCheckResponse.named(NAME).down().withData("error", "HTTP " + response.statusCode()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named(NAME).down().withData("error", "interrupted").build();
        } catch (Exception e) {
            return HealthCheckResponse.named(NAME).down().withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
