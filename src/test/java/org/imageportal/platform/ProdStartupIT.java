package org.imageportal.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged portal in the prod profile: with every secret it starts; without any one of them it stops at
 * once, naming the property.
 */
class ProdStartupIT {

    static final Path JAR = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"),
            "quarkus-run.jar");

    @ParameterizedTest(name = "without {0}")
    @CsvSource({
            "PORTAL_S3_SECRET_KEY, portal.storage.secret-key",
            "PORTAL_COOKIE_KEY, portal.security.cookie-key",
            "PORTAL_LINK_KEYS, portal.sharing.link-keys",
            "PORTAL_AUDIT_ANCHOR_KEY, portal.audit.anchor-key",
            "PORTAL_AUDIT_ANCHOR_BUCKET, portal.audit.anchor-bucket",
            "PORTAL_SESSION_SECRET, quarkus.oidc.token-state-manager.encryption-secret",
            "PORTAL_KEYCLOAK_URL, portal.identity.keycloak-url",
            "PORTAL_KC_API_CLIENT_SECRET, portal.identity.admin-client-secret",
            "PORTAL_MASTER_KEYSET, portal.crypto.master-keyset"})
    void aMissingSecretStopsStartupNamingTheProperty(String variable, String property) throws Exception {
        Map<String, String> env = prodEnvironment();
        env.remove(variable);
        Run run = start(env, Duration.ofSeconds(60));
        assertThat(run.exitCode).as("exit code; output:\n" + run.output).isNotZero();
        assertThat(run.output).contains(property);
        assertThat(run.output).doesNotContain(System.getenv().getOrDefault("PORTAL_S3_SECRET_KEY", "\u0000"));
    }

    @ParameterizedTest(name = "records kept {0} years")
    @CsvSource({"5"})
    void keepingDisclosureRecordsLessThanSixYearsStopsStartup(String years) throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("PORTAL_DISCLOSURES_RETENTION_YEARS", years);
        Run run = start(env, Duration.ofSeconds(60));
        assertThat(run.exitCode).as("exit code; output:\n" + run.output).isNotZero();
        assertThat(run.output).contains("portal.disclosures.retention-years")
                .contains("kept at least 6 years");
    }

    @ParameterizedTest(name = "anchor bucket on {0}")
    @CsvSource({"a store without object lock"})
    void anAnchorBucketWithoutObjectLockStopsStartup(String ignored) throws Exception {
        Map<String, String> env = prodEnvironment();
        // the local S3Proxy: it knows no object lock, so an anchor there could be rolled back
        env.put("PORTAL_AUDIT_ANCHOR_ENDPOINT", env.get("PORTAL_STORAGE_ENDPOINT"));
        Run run = start(env, Duration.ofSeconds(60));
        assertThat(run.exitCode).as("exit code; output:\n" + run.output).isNotZero();
        assertThat(run.output).contains("is not under object lock").contains("portal.audit.anchor-bucket");
    }

    @ParameterizedTest(name = "control: with every secret")
    @CsvSource({"all"})
    void withEverySecretItStarts(String ignored) throws Exception {
        Run run = start(prodEnvironment(), Duration.ofSeconds(60));
        assertThat(run.output).as(run.output).contains("started in").contains("Profile prod activated");
        assertThat(run.exitCode).as("still running when stopped by the test").isEqualTo(-1);
    }

    @ParameterizedTest(name = "serving without the database owner's password")
    @CsvSource({"owner"})
    void theServingProcessStartsWithoutTheDatabaseOwnersPassword(String ignored) throws Exception {
        Map<String, String> env = prodEnvironment();
        env.remove("PORTAL_DB_OWNER_PASSWORD");
        Run run = start(env, Duration.ofSeconds(60));
        assertThat(run.output).as(run.output).contains("started in");
        assertThat(run.output).doesNotContain("Migrating schema");
    }

    @ParameterizedTest(name = "migrations as their own step")
    @CsvSource({"migrate"})
    void migrationsRunAsTheirOwnStepAndThenExit(String ignored) throws Exception {
        Run run = start(prodEnvironment(), Duration.ofSeconds(60), "migrate");
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).containsPattern("schema portal: \\d+ migrations applied, now at version \\d+");
    }

    @ParameterizedTest(name = "operations endpoints closed")
    @CsvSource({"ops"})
    void theApiDescriptionIsOffAndMetricsAnswerOnlyTheMonitoringHost(String ignored) throws Exception {
        Map<String, String> env = prodEnvironment();
        int port = Integer.parseInt(env.get("QUARKUS_HTTP_PORT"));
        Path log = Files.createTempFile("portal-prod", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            Instant deadline = Instant.now().plusSeconds(60);
            while (!Files.readString(log).contains("started in") && Instant.now().isBefore(deadline)
                    && process.isAlive()) {
                Thread.sleep(250);
            }
            assertThat(Files.readString(log)).contains("started in");
            var http = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/q/openapi"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/q/metrics"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            // the same through the reverse proxy, for a client on the internet, even one claiming to be local
            for (String claimed : List.of("198.51.100.7", "127.0.0.1")) {
                assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/q/metrics"))
                        .header("X-Forwarded-For", claimed).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            }
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    private static Map<String, String> prodEnvironment() throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("QUARKUS_PROFILE", "prod");
        env.put("PORTAL_MASTER_KEYSET", org.imageportal.storage.crypto.TinkMasterKeys.generate().toJson());
        try (ServerSocket free = new ServerSocket(0)) {
            env.put("QUARKUS_HTTP_PORT", Integer.toString(free.getLocalPort()));
        }
        return env;
    }

    record Run(int exitCode, String output) {
    }

    /**
     * Runs the jar until it exits or, serving (no command), logs that it started (then it is stopped: exit code -1).
     */
    private static Run start(Map<String, String> env, Duration limit, String... args) throws Exception {
        assertThat(JAR).exists();
        Path log = Files.createTempFile("portal-prod", ".log");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        Instant deadline = Instant.now().plus(limit);
        try {
            while (Instant.now().isBefore(deadline)) {
                if (process.waitFor(250, TimeUnit.MILLISECONDS)) {
                    return new Run(process.exitValue(), Files.readString(log));
                }
                if (args.length == 0 && Files.readString(log).contains("started in")) {
                    return new Run(-1, Files.readString(log));
                }
            }
            throw new AssertionError("neither started nor stopped within " + limit + ":\n" + Files.readString(log));
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }
}
