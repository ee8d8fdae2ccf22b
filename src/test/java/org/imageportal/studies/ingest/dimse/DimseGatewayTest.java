package org.imageportal.studies.ingest.dimse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The DIMSE gateway against the real peer dcmtk ({@code echoscu}, {@code storescu} over TLS with the local CA's
 * client certificate), the real AE registry, ingest, store and WADO-RS; and every way an association is refused.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DimseGatewayTest {

    static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";

    @Inject
    DataSource db;

    @TempDir
    Path work;

    String admin;
    String frontdesk;
    String portalAe;
    int port;
    Path tls;

    @BeforeAll
    void setUp() {
        admin = TestRealm.mfaToken(TestRealm.createUser("admin"));
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        portalAe = ConfigProvider.getConfig().getValue("portal.dimse.ae-title", String.class);
        port = ConfigProvider.getConfig().getValue("portal.dimse.port", Integer.class);
        tls = Path.of(ConfigProvider.getConfig().getValue("portal.dimse.trust-store", String.class)).getParent();
    }

    @Test
    void echoAnswersARegisteredNode() throws Exception {
        String ae = register(List.of("127.0.0.1/32", "::1"), null, null);
        Instant since = Instant.now();
        Run echo = dcmtk(tlsClient("echoscu", ae, portalAe));
        assertThat(echo.exit()).as(echo.output()).isZero();
        // the acceptance is recorded before the association is answered
        assertThat(associations(since, "success")).singleElement()
                .satisfies(a -> {
                    assertThat(a.get("callingAeTitle")).isEqualTo(ae);
                    assertThat(a.get("address")).isEqualTo("127.0.0.1");
                    assertThat(a.get("certificateSubject")).contains("CN=Demo modality");
                });
    }

    @Test
    void storedInstancesKeepTheirDataSetAndTransferSyntax() throws Exception {
        String ae = register(List.of("127.0.0.0/8"), null, "CN=Demo modality, O=Image portal demo");
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom plain = TestDicom.ct(patient).number(1).seed(11).size(64);
        TestDicom compressed = TestDicom.ct(patient).study(plain.studyUid()).series(plain.seriesUid()).number(2)
                .seed(12).size(64);
        Path plainFile = work.resolve("plain.dcm");
        Files.write(plainFile, plain.bytes());
        Path uncompressed = work.resolve("second.dcm");
        Files.write(uncompressed, compressed.bytes());
        Path jpegLs = work.resolve("second-jls.dcm");
        Run encode = run(List.of("dcmcjpls", uncompressed.toString(), jpegLs.toString()));
        assertThat(encode.exit()).as(encode.output()).isZero();
        byte[] jpegLsBytes = Files.readAllBytes(jpegLs);
        assertThat(transferSyntax(jpegLsBytes)).isEqualTo(JPEG_LS_LOSSLESS);

        List<String> store = tlsClient("storescu", ae, portalAe);
        // -xt: JPEG-LS lossless is proposed beside the uncompressed syntaxes, so neither file is converted
        store.addAll(List.of("-xt", plainFile.toString(), jpegLs.toString()));
        Run sent = dcmtk(store);
        assertThat(sent.exit()).as(sent.output()).isZero();
        assertThat(sent.output()).doesNotContain("Status: ").doesNotContainIgnoringCase("warning");

        byte[] plainBack = wado(plain);
        assertThat(dataSet(plainBack)).isEqualTo(dataSet(Files.readAllBytes(plainFile)));
        assertThat(transferSyntax(plainBack)).isEqualTo("1.2.840.10008.1.2.1");
        byte[] jpegLsBack = wado(compressed);
        assertThat(transferSyntax(jpegLsBack)).isEqualTo(JPEG_LS_LOSSLESS);
        assertThat(dataSet(jpegLsBack)).isEqualTo(dataSet(jpegLsBytes));
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.instance i JOIN portal.study s "
                + "ON s.id = i.study_ref WHERE s.study_uid = ?", plain.studyUid())).isEqualTo("2");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'instance.store'", "dimse:" + ae)).isEqualTo("2");
    }

    @Test
    void anInstanceStoredTwiceDifferentlyFailsAsADuplicate() throws Exception {
        String ae = register(List.of("127.0.0.1"), null, null);
        TestDicom dicom = TestDicom.ct(TestDicom.Patient.random()).size(32).seed(5);
        Path first = work.resolve("dup-1.dcm");
        Files.write(first, dicom.bytes());
        Path second = work.resolve("dup-2.dcm");
        Files.write(second, dicom.seed(6).bytes());
        List<String> store = tlsClient("storescu", ae, portalAe);
        store.addAll(List.of("-v", "-R", first.toString(), first.toString(), second.toString()));
        Run sent = dcmtk(store);
        // the identical repeat is a success; other content under the same UID is refused with 0x0111
        assertThat(sent.output().split("Received Store Response \\(Success\\)", -1)).as(sent.output()).hasSize(3);
        assertThat(sent.output()).contains("Received Store Response (Unknown Status: 0x111)");
    }

    @Test
    void anUnknownCallingAeTitleIsRefused() throws Exception {
        String ae = "NOBODY" + suffix();
        Instant since = Instant.now();
        Run echo = dcmtk(tlsClient("echoscu", ae, portalAe));
        assertThat(echo.exit()).isNotZero();
        assertThat(echo.output()).containsIgnoringCase("Calling AE Title Not Recognized");
        assertThat(refusal(since, "unknown-calling-ae-title").get("callingAeTitle")).isEqualTo(ae);
    }

    @Test
    void aNodeConnectingFromAnotherAddressIsRefused() throws Exception {
        String ae = register(List.of("10.0.0.0/8"), null, null);
        Instant since = Instant.now();
        Run echo = dcmtk(tlsClient("echoscu", ae, portalAe));
        assertThat(echo.exit()).isNotZero();
        assertThat(echo.output()).contains("Reason: No Reason");
        assertThat(refusal(since, "address-not-allowed").get("callingAeTitle")).isEqualTo(ae);
    }

    @Test
    void aNodeCallingAnotherAeTitleIsRefused() throws Exception {
        String ae = register(List.of("127.0.0.1"), null, null);
        Instant since = Instant.now();
        Run echo = dcmtk(tlsClient("echoscu", ae, "SOMEONE-ELSE"));
        assertThat(echo.exit()).isNotZero();
        assertThat(echo.output()).containsIgnoringCase("Called AE Title Not Recognized");
        assertThat(refusal(since, "called-ae-title-not-allowed").get("calledAeTitle")).isEqualTo("SOMEONE-ELSE");
    }

    @Test
    void aNodeWithAnotherCertificateSubjectIsRefused() throws Exception {
        String ae = register(List.of("127.0.0.1"), null, "CN=CT scanner 7,O=Radiology");
        Instant since = Instant.now();
        Run echo = dcmtk(tlsClient("echoscu", ae, portalAe));
        assertThat(echo.exit()).isNotZero();
        assertThat(echo.output()).contains("Reason: No Reason");
        assertThat(refusal(since, "certificate-subject-mismatch").get("certificateSubject"))
                .contains("CN=Demo modality");
    }

    @Test
    void aConnectionWithoutAClientCertificateFailsItsHandshake() throws Exception {
        String ae = register(List.of("127.0.0.1"), null, null);
        Instant since = Instant.now();
        Run echo = dcmtk(List.of("echoscu", "+tla", "+cf", tls.resolve("ca.pem").toString(), "-aet", ae, "-aec",
                portalAe, "localhost", Integer.toString(port)));
        assertThat(echo.exit()).isNotZero();
        assertThat(echo.output()).doesNotContain("Association Accepted");
        refusal(since, "no-client-certificate");
    }

    @Test
    void aSelfSignedClientCertificateFailsItsHandshake() throws Exception {
        String ae = register(List.of("127.0.0.1"), null, null);
        Path key = work.resolve("self.key");
        Path certificate = work.resolve("self.pem");
        Run made = run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", certificate.toString(), "-days", "2", "-subj", "/O=Image portal demo/CN=Demo modality",
                "-addext", "extendedKeyUsage=clientAuth"));
        assertThat(made.exit()).as(made.output()).isZero();
        Instant since = Instant.now();
        Run echo = dcmtk(List.of("echoscu", "+tls", key.toString(), certificate.toString(), "+cf",
                tls.resolve("ca.pem").toString(), "-aet", ae, "-aec", portalAe, "localhost", Integer.toString(port)));
        assertThat(echo.exit()).as(echo.output()).isNotZero();
        assertThat(echo.output()).doesNotContain("Association Accepted");
        refusal(since, "client-certificate-not-trusted");
    }

    @Test
    void plainTcpIsRefusedWhereTlsIsRequired() throws Exception {
        String ae = register(List.of("127.0.0.1"), null, null);
        Instant since = Instant.now();
        Run echo = dcmtk(List.of("echoscu", "-to", "5", "-ta", "5", "-aet", ae, "-aec", portalAe, "localhost",
                Integer.toString(port)));
        assertThat(echo.exit()).isNotZero();
        assertThat(echo.output()).doesNotContain("Association Accepted");
        refusal(since, "not-tls");
    }

    @Test
    void theRegistryIsForAdministratorsAndAuditsEveryChange() throws Exception {
        String ae = "REG" + suffix();
        Map<String, Object> entry = new HashMap<>(Map.of("callingAeTitle", ae, "addresses", List.of("192.0.2.0/24")));
        given().auth().oauth2(frontdesk).contentType(ContentType.JSON).body(entry).post("/api/dimse/peers").then()
                .statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("callingAeTitle", ae, "addresses", List.of("192.0.2.0/33")))
                .post("/api/dimse/peers").then().statusCode(400).contentType("application/problem+json")
                .body("violations[0].field", org.hamcrest.Matchers.equalTo("addresses"));
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("callingAeTitle", "BAD\\AE", "addresses", List.of("192.0.2.1")))
                .post("/api/dimse/peers").then().statusCode(400).contentType("application/problem+json");

        Response created = given().auth().oauth2(admin).contentType(ContentType.JSON).body(entry)
                .post("/api/dimse/peers");
        created.then().statusCode(201).body("calledAeTitle", org.hamcrest.Matchers.equalTo(portalAe));
        String id = created.jsonPath().getString("id");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(entry).post("/api/dimse/peers").then()
                .statusCode(409).contentType("application/problem+json");
        entry.put("certificateSubject", "CN=CT scanner 1,O=Radiology");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(entry).put("/api/dimse/peers/" + id).then()
                .statusCode(200)
                .body("certificateSubject", org.hamcrest.Matchers.equalTo("CN=CT scanner 1,O=Radiology"));
        given().auth().oauth2(admin).delete("/api/dimse/peers/" + id).then().statusCode(204);
        given().auth().oauth2(admin).get("/api/dimse/peers/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        assertThat(Dicomweb.queryString(db, "SELECT string_agg(action, ',' ORDER BY id) FROM portal.audit_event "
                + "WHERE entity = ?", "dimse-peer:" + id))
                .isEqualTo("dimse.peer.create,dimse.peer.update,dimse.peer.delete");
    }

    // ------------------------------------------------------------------ helpers

    private String register(List<String> addresses, String calledAe, String subject) {
        String ae = "AE" + suffix();
        Map<String, Object> entry = new HashMap<>();
        entry.put("callingAeTitle", ae);
        entry.put("addresses", addresses);
        entry.put("calledAeTitle", calledAe);
        entry.put("certificateSubject", subject);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(entry).post("/api/dimse/peers").then()
                .statusCode(201);
        return ae;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
    }

    private List<String> tlsClient(String tool, String callingAe, String calledAe) {
        return new ArrayList<>(List.of(tool, "+tls", tls.resolve("client.key").toString(),
                tls.resolve("client.pem").toString(), "+cf", tls.resolve("ca.pem").toString(), "-to", "10", "-ta",
                "10", "-aet", callingAe, "-aec", calledAe, "localhost", Integer.toString(port)));
    }

    record Run(int exit, String output) {
    }

    private Run dcmtk(List<String> command) throws Exception {
        return run(command);
    }

    private Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command.getFirst() + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    private byte[] wado(TestDicom dicom) {
        Response instance = given().auth().oauth2(frontdesk).get("/dicomweb/studies/" + dicom.studyUid()
                + "/series/" + dicom.seriesUid() + "/instances/" + dicom.sopInstanceUid());
        instance.then().statusCode(200);
        return Dicomweb.parts(instance).getFirst();
    }

    /** Everything after the file meta information: the data set exactly as encoded. */
    static byte[] dataSet(byte[] part10) {
        return Arrays.copyOfRange(part10, metaEnd(part10), part10.length);
    }

    static int metaEnd(byte[] part10) {
        // (0002,0000) UL, explicit VR: tag 4, VR 2, length 2, value 4, right after the preamble and DICM
        int groupLength = part10[140] & 0xff | (part10[141] & 0xff) << 8 | (part10[142] & 0xff) << 16
                | (part10[143] & 0xff) << 24;
        return 144 + groupLength;
    }

    static String transferSyntax(byte[] part10) {
        int at = 144;
        int end = metaEnd(part10);
        while (at < end) {
            int element = part10[at + 2] & 0xff | (part10[at + 3] & 0xff) << 8;
            String vr = new String(part10, at + 4, 2, StandardCharsets.US_ASCII);
            boolean longLength = vr.equals("OB") || vr.equals("UN") || vr.equals("SQ") || vr.equals("UT");
            int length = longLength
                    ? part10[at + 8] & 0xff | (part10[at + 9] & 0xff) << 8
                    : part10[at + 6] & 0xff | (part10[at + 7] & 0xff) << 8;
            int value = at + (longLength ? 12 : 8);
            if (element == 0x0010) {
                return new String(part10, value, length, StandardCharsets.US_ASCII).replace("\0", "").strip();
            }
            at = value + length;
        }
        return "";
    }

    private List<Map<String, String>> associations(Instant since, String outcome) throws Exception {
        List<Map<String, String>> found = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement("SELECT detail::text FROM "
                        + "portal.audit_event WHERE action = 'dimse.association' AND outcome = ? AND at >= ? ORDER BY id")) {
            q.setString(1, outcome);
            q.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    found.add(new io.vertx.core.json.JsonObject(rows.getString(1)).getMap().entrySet().stream()
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                    e -> String.valueOf(e.getValue()))));
                }
            }
        }
        return found;
    }

    /**
     * The one refusal recorded since {@code since}, with the given reason (the peer may see the refusal a moment
     * before the portal has recorded it).
     */
    private Map<String, String> refusal(Instant since, String reason) throws Exception {
        List<Map<String, String>> refused = associations(since, "refused");
        for (int wait = 0; refused.isEmpty() && wait < 50; wait++) {
            Thread.sleep(100);
            refused = associations(since, "refused");
        }
        assertThat(refused).as("refusals since the attempt").extracting(r -> r.get("reason")).containsExactly(reason);
        assertThat(associations(since, "success")).isEmpty();
        assertThat(refused.getFirst().get("address")).isEqualTo("127.0.0.1");
        return refused.getFirst();
    }
}
