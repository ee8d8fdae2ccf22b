package org.imageportal.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged portal started as its own process for a measurement (test profile: the test database, realm and
 * bucket that infra/portal prepared), on a free port, its DIMSE gateway on another, ready when its readiness check
 * answers.
 */
public record PortalProcess(Process process, String base, int dimsePort) implements AutoCloseable {

    public static PortalProcess start(Path jar, Path log) throws Exception {
        int port = freePort();
        return start(jar, log, port, "http://127.0.0.1:" + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /**
     * On {@code port}, reached at {@code base}: a run that signs in through a browser uses the address the test
     * realm accepts as its redirect.
     */
    public static PortalProcess start(Path jar, Path log, int port, String base) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the portal's own JVM options (infra/portal), then extra ones for a profiling run (e.g. a flight recording)
        for (String name : List.of("PORTAL_JVM_OPTS", "PORTAL_BENCH_JAVA_OPTS")) {
            String options = System.getenv().getOrDefault(name, name.equals("PORTAL_JVM_OPTS") ? "-Xmx512m" : "");
            if (options != null && !options.isBlank()) {
                command.addAll(List.of(options.strip().split("\\s+")));
            }
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_PROFILE", "test");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // the test profile's fixed DIMSE port may be taken (a test portal): the gateway listens where it is told
        int dimsePort = freePort();
        env.put("_TEST_PORTAL_DIMSE_PORT", Integer.toString(dimsePort));
        env.put("_TEST_PORTAL_DIMSE_HOST", "127.0.0.1");
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the portal stopped:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new PortalProcess(process, base, dimsePort);
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        process.destroy();
        throw new IllegalStateException("the portal did not become ready:\n" + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
