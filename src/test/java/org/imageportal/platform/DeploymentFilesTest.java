package org.imageportal.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** docker-compose.yml is valid, requires its secrets, and publishes nothing beyond localhost. */
class DeploymentFilesTest {

    static final Path COMPOSE = Path.of("docker-compose.yml");
    static final Path ENV_EXAMPLE = Path.of("infra/compose/env.example");

    @Test
    void composeConfigValidatesWithTheExampleEnvironment() throws Exception {
        Result result = compose(exampleEnvironment());
        assertThat(result.exitCode).as(result.output).isZero();
    }

    @Test
    void composeRefusesToRunWithoutItsSecrets() throws Exception {
        Map<String, String> env = exampleEnvironment();
        env.remove("PORTAL_COOKIE_KEY");
        Result result = compose(env);
        assertThat(result.exitCode).isNotZero();
        assertThat(result.output).contains("PORTAL_COOKIE_KEY");
    }

    @Test
    void everyPublishedPortIsBoundToLocalhost() throws IOException {
        List<String> lines = Files.readAllLines(COMPOSE);
        Pattern portLine = Pattern.compile("^\\s+- \"([^\"]+)\"$");
        int published = 0;
        boolean inPorts = false;
        for (String line : lines) {
            if (line.trim().equals("ports:")) {
                inPorts = true;
                continue;
            }
            Matcher m = portLine.matcher(line);
            if (inPorts && m.matches()) {
                assertThat(m.group(1)).startsWith("127.0.0.1:");
                published++;
            } else {
                inPorts = false;
            }
        }
        assertThat(published).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theAuditAnchorGoesToABucketCreatedWithObjectLock() throws IOException {
        String compose = Files.readString(COMPOSE);
        Matcher created = Pattern.compile("mc mb --ignore-existing --with-lock portal/([a-z0-9-]+)").matcher(compose);
        assertThat(created.find()).as("the init service creates the anchor's bucket with object lock").isTrue();
        Matcher used = Pattern.compile("PORTAL_AUDIT_ANCHOR_BUCKET: (\\S+)").matcher(compose);
        int services = 0;
        while (used.find()) {
            assertThat(used.group(1)).isEqualTo(created.group(1));
            services++;
        }
        assertThat(services).as("the portal and its migration step").isEqualTo(2);
    }

    @Test
    void theExampleEnvironmentHoldsNoRealSecret() throws IOException {
        exampleEnvironment().forEach((name, value) -> {
            if (name.contains("PASSWORD") || name.contains("SECRET") || name.endsWith("_KEY")
                    || name.endsWith("_KEYS")) {
                assertThat(value).as(name).startsWith("CHANGE_ME");
            }
        });
    }

    @Test
    void theProductionRealmHasNoDemoUsersAndNoDirectGrants() throws IOException {
        String realm = Files.readString(Path.of("infra/keycloak/realm-portal.json"));
        assertThat(realm).doesNotContain("\"directAccessGrantsEnabled\": true");
        assertThat(realm).doesNotContain("alice").doesNotContain("\"type\": \"password\"");
        assertThat(realm).contains("\"minimum.acr.value\": \"mfa\"").contains("\"bruteForceProtected\": true")
                .contains("\"ssoSessionIdleTimeout\": 900");
    }

    private static Map<String, String> exampleEnvironment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ENV_EXAMPLE)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    record Result(int exitCode, String output) {
    }

    private static Result compose(Map<String, String> variables) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true);
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.putAll(variables);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
