package org.imageportal.platform.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Load shedding with a limit of two requests in progress: two requests held open (forms whose bodies are still
 * arriving) take both places; the next request is refused at once with 503, Retry-After and a problem (a page for
 * people), health is still answered, and once the held requests' connections are gone the portal answers again.
 */
@QuarkusTest
@TestProfile(OverloadGuardTest.TwoInFlight.class)
class OverloadGuardTest {

    /** The portal with room for two requests at once. */
    public static class TwoInFlight implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("portal.http.max-in-flight", "2");
        }
    }

    private static final String TOKEN = "A".repeat(67);

    @Inject
    OverloadGuard guard;

    @Test
    void requestsBeyondTheLimitAreRefusedAtOnceAndTheLimitIsGivenBack() throws Exception {
        given().get("/dicomweb/studies").then().statusCode(401);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(holdOpen());
            }
            waitFor(2);
            given().accept("application/json").get("/dicomweb/studies").then().statusCode(503)
                    .header("Retry-After", "1").contentType("application/problem+json")
                    .body("type", equalTo("https://imageportal.org/problems/unavailable"))
                    .body("status", equalTo(503)).body("detail", containsString("busy"));
            given().accept("text/html").get("/s/" + TOKEN).then().statusCode(503)
                    .contentType(containsString("text/html"))
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .body(containsString("busy")).body(org.hamcrest.Matchers.not(containsString(TOKEN)));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        waitFor(0);
        given().get("/dicomweb/studies").then().statusCode(401);
    }

    /** A form post to a link page whose body never finishes: in progress until its connection closes. */
    private static Socket holdOpen() throws Exception {
        Socket socket = new Socket("127.0.0.1", io.restassured.RestAssured.port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /s/" + TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=Held&code=1")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private void waitFor(int inFlight) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (guard.inFlight() != inFlight && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(guard.inFlight()).as("requests in progress").isEqualTo(inFlight);
    }
}
