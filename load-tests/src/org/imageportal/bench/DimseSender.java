package org.imageportal.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * C-STORE over TLS to the portal's DIMSE gateway as a modality sends: dcmtk's {@code storescu +tls} with the local
 * CA's demo client certificate (infra/portal's DIMSE set-up in $PORTAL_STATE/dimse), one association per sender, a
 * node registered in the AE registry for the run and removed afterwards.
 */
final class DimseSender implements AutoCloseable {

    static final Path STORESCU = Path.of("/usr/bin/storescu");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private final String admin;
    private final Path tls;
    private final int port;
    private final String peerId;
    private final String callingAe;
    private final String calledAe;

    private DimseSender(HttpClient http, String base, String admin, Path tls, int port, String peerId,
            String callingAe, String calledAe) {
        this.http = http;
        this.base = base;
        this.admin = admin;
        this.tls = tls;
        this.port = port;
        this.peerId = peerId;
        this.callingAe = callingAe;
        this.calledAe = calledAe;
    }

    /** Registers a node for this machine's loopback addresses with an administrator's token. */
    static DimseSender register(HttpClient http, String base, String adminToken, Path tls, int port)
            throws Exception {
        if (!Files.isExecutable(STORESCU) || !Files.isReadable(tls.resolve("client.key"))) {
            throw new IllegalStateException("C-STORE needs dcmtk's storescu and the DIMSE certificates in " + tls
                    + " (infra/portal bench installs and makes both)");
        }
        String ae = "BENCH" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
        byte[] entry = JSON.writeValueAsBytes(Map.of("callingAeTitle", ae, "addresses",
                List.of("127.0.0.1/32", "::1"), "description", "benchmark sender"));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/dimse/peers"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(entry)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("registering the DIMSE node answered " + created.statusCode() + ": "
                    + created.body());
        }
        JsonNode peer = JSON.readTree(created.body());
        return new DimseSender(http, base, adminToken, tls, port, peer.get("id").asText(), ae,
                peer.get("calledAeTitle").asText());
    }

    /** The study's instances as Part 10 files in {@code dir}, written before anything is timed. */
    static List<Path> write(SyntheticStudy study, Path dir) throws IOException {
        List<Path> files = new ArrayList<>(study.instances());
        for (int i = 0; i < study.instances(); i++) {
            Path file = dir.resolve(i + ".dcm");
            Files.write(file, study.instance(i));
            files.add(file);
        }
        return files;
    }

    /**
     * Sends {@code files} over {@code parallel} associations, each storescu process taking every n-th file; fails
     * unless every instance was stored.
     */
    void send(List<Path> files, int parallel) throws Exception {
        int senders = Math.max(1, Math.min(parallel, files.size()));
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                List<String> command = new ArrayList<>(List.of(STORESCU.toString(), "+tls",
                        tls.resolve("client.key").toString(), tls.resolve("client.pem").toString(), "+cf",
                        tls.resolve("ca.pem").toString(), "-to", "30", "-ta", "30", "-aet", callingAe, "-aec",
                        calledAe, "127.0.0.1", Integer.toString(port)));
                for (int i = s; i < files.size(); i += senders) {
                    command.add(files.get(i).toString());
                }
                runs.add(pool.submit(() -> run(command)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Void run(List<String> command) throws Exception {
        Path output = Files.createTempFile("storescu", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("storescu did not finish");
            }
            String said = Files.readString(output, StandardCharsets.UTF_8);
            // storescu exits 0 even when the SCP refused an instance: its log names every failed store
            if (process.exitValue() != 0 || said.contains("Store Failed") || said.contains("Status: 0x")) {
                throw new IllegalStateException("storescu failed (exit " + process.exitValue() + "):\n" + said);
            }
            return null;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Instances the portal holds of {@code studyUid} (QIDO-RS as staff). */
    long storedInstances(String staffToken, String studyUid) throws Exception {
        HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(base
                + "/dicomweb/studies?StudyInstanceUID=" + studyUid)).header("Authorization", "Bearer " + staffToken)
                .header("Accept", "application/dicom+json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (found.statusCode() != 200) {
            return 0;
        }
        JsonNode studies = JSON.readTree(found.body());
        return studies.isEmpty() ? 0 : studies.get(0).path("00201208").path("Value").path(0).asLong();
    }

    /** Removes the node registered for the run. */
    @Override
    public void close() throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(base + "/api/dimse/peers/" + peerId))
                .header("Authorization", "Bearer " + admin).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }
}
