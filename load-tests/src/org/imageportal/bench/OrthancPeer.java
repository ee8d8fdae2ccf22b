package org.imageportal.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A throw-away Orthanc (Debian's orthanc with its DICOMweb plugin) on a free loopback port with a temporary storage
 * folder, as the reference for what a PACS's own STOW-RS costs on this machine; stopped and removed on close.
 * Its storage area is not synced to disk per file, like the S3 store's files.
 */
final class OrthancPeer implements AutoCloseable {

    static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");
    static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final String base;
    private final HttpClient http;

    private OrthancPeer(Process process, Path dir, String base, HttpClient http) {
        this.process = process;
        this.dir = dir;
        this.base = base;
        this.http = http;
    }

    static boolean installed() {
        return Files.isExecutable(ORTHANC) && Files.isReadable(DICOMWEB_PLUGIN);
    }

    static OrthancPeer start(HttpClient http) throws Exception {
        Path dir = Files.createTempDirectory("bench-orthanc");
        int port = PortalProcess.freePort();
        Map<String, Object> config = Map.of("Name", "bench", "StorageDirectory", dir.resolve("db").toString(),
                "IndexDirectory", dir.resolve("db").toString(), "HttpPort", port, "DicomServerEnabled", false,
                "RemoteAccessAllowed", false, "AuthenticationEnabled", false, "SyncStorageArea", false,
                "Plugins", List.of(DICOMWEB_PLUGIN.toString()), "DicomWeb", Map.of("Enable", true));
        Path file = dir.resolve("orthanc.json");
        JSON.writeValue(file.toFile(), config);
        Process process = new ProcessBuilder(ORTHANC.toString(), file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        OrthancPeer orthanc = new OrthancPeer(process, dir, "http://127.0.0.1:" + port, http);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (orthanc.get("/system").statusCode() == 200) {
                    return orthanc;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        String log = Files.readString(dir.resolve("orthanc.log"));
        orthanc.close();
        throw new IllegalStateException("Orthanc did not start:\n" + log);
    }

    long pid() {
        return process.pid();
    }

    /** The STOW-RS root of its DICOMweb plugin. */
    String stowUrl(String studyUid) {
        return base + "/dicom-web/studies/" + studyUid;
    }

    /** Instances Orthanc holds. */
    long instances() throws Exception {
        return JSON.readTree(get("/statistics").body()).path("CountInstances").asLong();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
