package org.imageportal.platform.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.imageportal.support.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Readiness follows the real services: this portal instance reaches PostgreSQL and the S3 store through relays
 * the test can cut, as if the service had stopped, and restore.
 */
@QuarkusTest
@TestProfile(ReadinessTest.Relayed.class)
class ReadinessTest {

    static TcpRelay postgres;
    static TcpRelay s3;

    @BeforeAll
    static void relays() {
        postgres = TcpRelay.listen("postgres", "127.0.0.1", 5432);
        s3 = TcpRelay.listen("s3", "127.0.0.1", storagePort());
    }

    @AfterAll
    static void closeRelays() {
        postgres.close();
        s3.close();
    }

    private static int storagePort() {
        String endpoint = System.getenv().getOrDefault("PORTAL_STORAGE_ENDPOINT", "http://127.0.0.1:9000");
        return URI.create(endpoint).getPort();
    }

    /** PostgreSQL (runtime pool) and the S3 store behind the relays. */
    public static class Relayed implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            String database = System.getenv().getOrDefault("PORTAL_DB_NAME", "portal_test");
            return Map.of(
                    "quarkus.datasource.reactive.url",
                    "postgresql://127.0.0.1:" + TcpRelay.reservePort("postgres") + "/" + database,
                    "portal.storage.endpoint", "http://127.0.0.1:" + TcpRelay.reservePort("s3"));
        }
    }

    @AfterEach
    void restore() {
        postgres.restore();
        s3.restore();
    }

    @Test
    void readyWhenEveryServiceAnswers() {
        awaitStatus(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'postgresql' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'keycloak' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'object-store' }.status", equalTo("UP"));
    }

    @Test
    void objectStoreDownMakesReadiness503NamingItAndItRecovers() {
        awaitStatus(200);
        s3.cut();
        Response down = awaitStatus(503);
        down.then().body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'object-store' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'postgresql' }.status", equalTo("UP"));
        s3.restore();
        awaitStatus(200);
    }

    @Test
    void postgresDownMakesReadiness503NamingItAndItRecovers() {
        awaitStatus(200);
        postgres.cut();
        Response down = awaitStatus(503);
        down.then().body("checks.find { it.name == 'postgresql' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'object-store' }.status", equalTo("UP"));
        postgres.restore();
        awaitStatus(200);
    }

    @Test
    void livenessStaysUpWhileADependencyIsDown() {
        s3.cut();
        awaitStatus(503);
        given().get("/q/health/live").then().statusCode(200);
    }

    private static Response awaitStatus(int status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        Response last;
        do {
            last = given().get("/q/health/ready");
            if (last.statusCode() == status) {
                return last;
            }
            sleep();
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("readiness stayed " + last.statusCode() + " instead of " + status + ": "
                + last.asString());
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
