package org.imageportal.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A request's head has a deadline (5 s in the test profile): a client that trickles its headers in, or opens a
 * connection and says nothing, is answered 408 and cut off, while a kept-alive connection may rest between requests
 * for longer than that. A head the HTTP decoder cannot read gets a problem, not an empty answer.
 */
@QuarkusTest
class HeaderDeadlineTest {

    private static final long DEADLINE_MS = 5_000;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void headersTrickledInAreCutOffWith408() throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            out.write(ascii("GET /q/health/ready HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
            out.flush();
            long started = System.nanoTime();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            // one byte every 200 ms: the connection's idle timeout never fires, only a deadline on the head can
            while (elapsed(started) < 20_000 && answer.size() == 0) {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                readSome(socket.getInputStream(), answer);
            }
            long waited = elapsed(started);
            readToEnd(socket, answer);
            String text = answer.toString(StandardCharsets.UTF_8);
            assertThat(text).as("answered within 20 s of trickling").startsWith("HTTP/1.1 408")
                    .contains("application/problem+json").contains("request-timeout").contains("Connection: close");
            assertThat(waited).as("cut off by the deadline, not at once").isGreaterThanOrEqualTo(DEADLINE_MS - 500)
                    .isLessThan(DEADLINE_MS + 5_000);
        }
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheDeadline() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            long started = System.nanoTime();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("HTTP/1.1 408");
            assertThat(elapsed(started)).isGreaterThanOrEqualTo(DEADLINE_MS - 500).isLessThan(DEADLINE_MS + 5_000);
        }
    }

    @Test
    void aKeptAliveConnectionMayRestBetweenRequestsLongerThanTheDeadline() throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            byte[] request = ascii("GET /q/health/ready HTTP/1.1\r\nHost: localhost\r\n\r\n");
            out.write(request);
            out.flush();
            assertThat(readAnswer(socket)).startsWith("HTTP/1.1 200");
            Thread.sleep(DEADLINE_MS + 1_500);
            out.write(request);
            out.flush();
            assertThat(readAnswer(socket)).as("the same connection still answers").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aHeadTheDecoderRefusesGetsA400Problem() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(ascii("GET /q/health/ready NOT-HTTP\r\nHost: localhost\r\n\r\n"));
            socket.getOutputStream().flush();
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("bad-request");
        }
    }

    /** What arrives until the other side pauses for a second. */
    private static String readAnswer(Socket socket) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        long started = System.nanoTime();
        while (elapsed(started) < 10_000) {
            int before = answer.size();
            readSome(socket.getInputStream(), answer);
            if (answer.size() > 0 && answer.size() == before) {
                break;
            }
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static void readSome(InputStream in, ByteArrayOutputStream into) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            int n = in.read(buffer);
            if (n > 0) {
                into.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException nothingYet) {
            // the read's timeout is the loop's pace
        }
    }

    private static void readToEnd(Socket socket, ByteArrayOutputStream into) throws IOException {
        socket.setSoTimeout(5_000);
        try {
            into.write(socket.getInputStream().readAllBytes());
        } catch (SocketTimeoutException | java.net.SocketException cut) {
            // the answer may already be all there is
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
