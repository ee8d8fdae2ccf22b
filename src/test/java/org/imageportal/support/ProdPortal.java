package org.imageportal.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imageportal.storage.crypto.TinkMasterKeys;

/**
 * The packaged portal as it runs in production: prod profile with a master keyset of its own, the production JVM
 * memory settings, the environment of the test run, on a free port; started when its readiness check answers 200.
 */
public final class ProdPortal implements AutoCloseable {

    public static final Path JAR = Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"),
            "quarkus-run.jar");
    public static final List<String> JVM = List.of("-Xmx512m", "-XX:G1HeapRegionSize=4m",
            "-XX:+ExitOnOutOfMemoryError");
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    private final Process process;
    private final String base;
    private final Path log;
    private final Path gcLog;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ProdPortal(Process process, String base, Path log, Path gcLog) {
        this.process = process;
        this.base = base;
        this.log = log;
        this.gcLog = gcLog;
    }

    /** Starts the jar with its output and GC log in {@code dir}; fails with its output if it stops or stalls. */
    public static ProdPortal start(Path dir) throws Exception {
        return start(dir, Map.of());
    }

    /** The same with {@code settings} added to its environment (configuration as environment variables). */
    public static ProdPortal start(Path dir, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(settings);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        env.put("QUARKUS_PROFILE", "prod");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // the test instance's own master keyset: what this instance stores stays readable (and re-wrappable) by
        // every other test sharing the database
        Path keyset = Path.of(env.getOrDefault("PORTAL_STATE_DIR", ".portal"), "keys", "test-master-keyset.json");
        env.put("PORTAL_MASTER_KEYSET", Files.exists(keyset)
                ? Files.readString(keyset)
                : TinkMasterKeys.generate().toJson());
        Path log = dir.resolve("portal.log");
        Path gcLog = dir.resolve("gc.log");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM);
        command.addAll(List.of("-Xlog:gc:file=" + gcLog, "-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        ProdPortal portal = new ProdPortal(builder.start(), "http://127.0.0.1:" + port, log, gcLog);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!portal.alive()) {
                throw new AssertionError("the portal stopped while starting:\n" + portal.tail());
            }
            if (portal.readiness() == 200) {
                return portal;
            }
            Thread.sleep(500);
        }
        portal.close();
        throw new AssertionError("the portal did not become ready:\n" + portal.tail());
    }

    public String base() {
        return base;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The status of {@code /q/health/ready}, or -1 without an answer. */
    public int readiness() throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The process's peak resident set size (VmHWM) in kB, or -1 once it has ended. */
    public long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException ended) {
            // no such process any more
        }
        return -1;
    }

    /** The most heap in use around any collection, from the GC log, in MB (-1 before the first collection). */
    public long peakHeapMb() throws IOException {
        long peak = -1;
        if (Files.exists(gcLog)) {
            Matcher m = GC_HEAP.matcher(Files.readString(gcLog));
            while (m.find()) {
                peak = Math.max(peak, Math.max(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return peak;
    }

    /** How many lines of the portal's output are logged at ERROR. */
    public long errorLines() throws IOException {
        return Files.readString(log).lines().filter(l -> l.contains(" ERROR ")).count();
    }

    /** The end of the portal's output. */
    public String tail() throws IOException {
        List<String> lines = Files.readString(log).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
