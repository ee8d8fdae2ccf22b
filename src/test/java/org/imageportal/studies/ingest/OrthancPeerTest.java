package org.imageportal.studies.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Orthanc, the most common open-source PACS (Debian's orthanc with its DICOMweb plugin), as a real peer: it pushes
 * studies to the portal by STOW-RS and pulls studies from it by WADO-RS, and both ends hold the same bytes.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrthancPeerTest {

    private static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    DataSource db;

    final HttpClient http = HttpClient.newHttpClient();
    Process orthanc;
    String orthancUrl;

    @BeforeAll
    void startOrthanc() throws Exception {
        assertThat(ORTHANC).as("infra/portal test installs Debian's orthanc and orthanc-dicomweb").exists();
        Path dir = Files.createTempDirectory("orthanc");
        int httpPort = freePort();
        String root = "http://localhost:" + port + "/dicomweb/";
        Map<String, Object> config = Map.of("Name", "peer", "StorageDirectory", dir.resolve("db").toString(),
                "IndexDirectory", dir.resolve("db").toString(), "HttpPort", httpPort, "DicomServerEnabled", false,
                "RemoteAccessAllowed", false, "AuthenticationEnabled", false,
                "Plugins", List.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"),
                "DicomWeb", Map.of("Enable", true, "Servers", Map.of(
                        "portal", Map.of("Url", root, "HttpHeaders",
                                Map.of("Authorization", "Bearer " + TestRealm.ingestToken())),
                        "desk", Map.of("Url", root, "HttpHeaders", Map.of("Authorization",
                                "Bearer " + TestRealm.mfaToken(TestRealm.createUser("frontdesk")))))));
        Path file = dir.resolve("orthanc.json");
        JSON.writeValue(file.toFile(), config);
        orthanc = new ProcessBuilder(ORTHANC.toString(), file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        orthancUrl = "http://127.0.0.1:" + httpPort;
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (get("/system").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Orthanc did not start: " + Files.readString(dir.resolve("orthanc.log")));
    }

    @AfterAll
    void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.destroy();
            orthanc.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(orthancUrl + path)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(orthancUrl + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void orthancPushesAStudyByStowRsAndTheInstancesArriveByteForByte() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom first = TestDicom.ct(patient).seed(401);
        TestDicom second = TestDicom.ct(patient).study(first.studyUid()).series(first.seriesUid()).number(2)
                .seed(402);
        String study = null;
        for (TestDicom instance : List.of(first, second)) {
            HttpResponse<byte[]> added = post("/instances", instance.bytes());
            assertThat(added.statusCode()).isEqualTo(200);
            study = JSON.readTree(added.body()).get("ParentStudy").asText();
        }
        HttpResponse<byte[]> pushed = post("/dicom-web/servers/portal/stow",
                JSON.writeValueAsBytes(Map.of("Resources", List.of(study))));
        assertThat(pushed.statusCode()).as(new String(pushed.body())).isEqualTo(200);

        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        for (TestDicom instance : List.of(first, second)) {
            byte[] stored = io.restassured.RestAssured.given().auth().oauth2(desk).accept("application/dicom")
                    .get("/dicomweb/studies/" + instance.studyUid() + "/series/" + instance.seriesUid()
                            + "/instances/" + instance.sopInstanceUid())
                    .then().statusCode(200).extract().asByteArray();
            assertThat(stored).isEqualTo(instance.bytes());
        }
    }

    @Test
    void orthancPullsAStudyFromThePortalWithTheSameUidsAndBytes() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom one = TestDicom.ct(patient).seed(411);
        TestDicom two = TestDicom.ct(patient).study(one.studyUid()).series(one.seriesUid()).number(2).seed(412);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(one.bytes(), two.bytes())).then().statusCode(200);

        HttpResponse<byte[]> found = post("/dicom-web/servers/desk/qido", JSON.writeValueAsBytes(Map.of("Uri",
                "/studies", "Arguments", Map.of("StudyInstanceUID", one.studyUid()))));
        assertThat(found.statusCode()).as(new String(found.body())).isEqualTo(200);
        assertThat(new String(found.body())).contains(one.studyUid());

        HttpResponse<byte[]> pulled = post("/dicom-web/servers/desk/retrieve", JSON.writeValueAsBytes(Map.of(
                "Resources", List.of(Map.of("Study", one.studyUid())))));
        assertThat(pulled.statusCode()).as(new String(pulled.body())).isEqualTo(200);
        for (TestDicom instance : List.of(one, two)) {
            HttpResponse<byte[]> lookup = post("/tools/lookup", instance.sopInstanceUid().getBytes());
            String id = JSON.readTree(lookup.body()).get(0).get("ID").asText();
            assertThat(get("/instances/" + id + "/file").body()).isEqualTo(instance.bytes());
        }
    }
}
