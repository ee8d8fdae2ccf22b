package org.imageportal.platform.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * What an attacker sends at the edges gets a specific answer and nothing leaks: oversized forms, control characters
 * in every kind of text, numbers past 64 bits, endless frame lists.
 */
@QuarkusTest
class HostileEdgeTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    DataSource db;

    final List<String> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {

        @Override
        public void publish(LogRecord record) {
            logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    private static String tokenLike() {
        return "Zq" + java.util.UUID.randomUUID().toString().replace("-", "") + "Xy7";
    }

    @Test
    void anOversizedFormToAShareLinkIs413AndTheLinkNeverReachesTheLog() throws Exception {
        String token = tokenLike();
        String field = "code=" + "A".repeat(200_000);
        given().contentType(ContentType.URLENC).accept("application/json").body(field).post("/s/" + token)
                .then().statusCode(413).contentType(containsString("application/problem+json"))
                .body("status", equalTo(413));

        // the same without a declared length: the body arrives in chunks and the form decoder gives up
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/s/" + token))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        ("code=" + "B".repeat(300_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
                .build();
        HttpResponse<String> answer = client.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).contains("text/html");
        assertThat(answer.body()).contains("larger");
        assertThat(logged).noneMatch(line -> line.contains(token));
    }

    @Test
    void aNulInAQueryParameterOrAJsonFieldIsA400Problem() {
        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        given().auth().oauth2(desk).urlEncodingEnabled(false).get("/dicomweb/studies?PatientName=Ann%00Smith")
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("detail", containsString("PatientName"));
        String patient = TestRealm.mfaToken(TestRealm.createUser("patient"));
        given().auth().oauth2(patient).contentType(ContentType.JSON)
                .body("{\"studyId\":\"" + java.util.UUID.randomUUID() + "\",\"purpose\":\"OTHER\","
                        + "\"purposeText\":\"a\\u0000b\"}")
                .post("/api/sharing/grants").then().statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("control character"));
    }

    @Test
    void aStowWithANulInOneInstanceStoresTheOthersAndNamesTheRefusedOne() throws Exception {
        TestDicom.Patient p = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        TestDicom first = TestDicom.ct(p).study(study).seed(5);
        TestDicom bad = TestDicom.ct(p).study(study).seed(6).accession("A\u0000B");
        TestDicom last = TestDicom.ct(p).study(study).seed(7);
        Response stow = Dicomweb.stow(TestRealm.ingestToken(), List.of(first.bytes(), bad.bytes(), last.bytes()));
        stow.then().statusCode(202);
        assertThat(stow.jsonPath().getList("'00081199'.Value.'00081155'.Value.flatten()", String.class))
                .containsExactlyInAnyOrder(first.sopInstanceUid(), last.sopInstanceUid());
        assertThat(stow.jsonPath().getString("'00081198'.Value[0].'00081155'.Value[0]"))
                .isEqualTo(bad.sopInstanceUid());
        assertThat(stow.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xC000);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.instance i JOIN portal.study s "
                + "ON s.id = i.study_ref WHERE s.study_uid = ?", study)).isEqualTo("2");
    }

    @Test
    void aStowFailureItemNamesTheInstanceWhoseGeometryLies() throws Exception {
        TestDicom liar = TestDicom.ct(TestDicom.Patient.random()).seed(8);
        byte[] bytes = liar.bytes();
        // Rows (0028,0010) US, explicit VR little endian: 256 rows of which the pixel data holds 16
        byte[] rows = {0x28, 0x00, 0x10, 0x00, 'U', 'S', 0x02, 0x00};
        int at = Dicomweb.indexOf(bytes, rows, 0);
        assertThat(at).isPositive();
        bytes[at + 8] = 0x00;
        bytes[at + 9] = 0x01;
        Response stow = Dicomweb.stow(TestRealm.ingestToken(), List.of(bytes));
        stow.then().statusCode(409);
        assertThat(stow.jsonPath().getString("'00081198'.Value[0].'00081155'.Value[0]"))
                .isEqualTo(liar.sopInstanceUid());
        assertThat(stow.jsonPath().getString("'00081198'.Value[0].'00081150'.Value[0]")).isNotEmpty();
    }

    @Test
    void rangesPastSixtyFourBitsAre416AndFrameListsAreBounded() {
        TestDicom.Patient p = TestDicom.Patient.random();
        TestDicom one = TestDicom.ct(p).seed(9);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(one.bytes())).then().statusCode(200);
        String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        String instance = "/dicomweb/studies/" + one.studyUid() + "/series/" + one.seriesUid() + "/instances/"
                + one.sopInstanceUid();
        given().auth().oauth2(desk).accept("application/dicom").header("Range", "bytes=99999999999999999999999-")
                .get(instance).then().statusCode(416).contentType(containsString("application/problem+json"));
        given().auth().oauth2(desk).accept("application/dicom").header("Range", "bytes=0-99999999999999999999999")
                .get(instance).then().statusCode(206);
        // the same frame over and over: each one would be decrypted and sent again
        StringBuilder many = new StringBuilder("1");
        for (int i = 2; i <= 600; i++) {
            many.append(",1");
        }
        given().auth().oauth2(desk).get(instance + "/frames/" + many).then().statusCode(400)
                .body("detail", containsString("at most"));
    }

    @Test
    void aTooLongAddressIs414AndTooManyHeaderBytes431BothAsProblems() {
        given().get("/api/studies?q=" + "a".repeat(9_000)).then().statusCode(414)
                .contentType(containsString("application/problem+json")).body("status", equalTo(414))
                .body("type", containsString("uri-too-long"));
        given().accept("text/html").get("/s/" + "b".repeat(9_000)).then().statusCode(414)
                .contentType(containsString("text/html"));
        given().header("X-Padding", "c".repeat(20_000)).get("/api/studies").then().statusCode(431)
                .contentType(containsString("application/problem+json"))
                .body("type", containsString("headers-too-large"));
        // past four times those limits the HTTP decoder refuses the head itself: still a problem, never empty
        given().get("/api/studies?q=" + "a".repeat(40_000)).then().statusCode(414)
                .contentType(containsString("application/problem+json")).body("type", containsString("uri-too-long"));
        given().header("X-Padding", "c".repeat(80_000)).get("/api/studies").then().statusCode(431)
                .contentType(containsString("application/problem+json"))
                .body("type", containsString("headers-too-large"));
    }

    @Test
    void aFormTrickledInIsCutOffWith408AndItsConnectionClosed() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1",
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.http.test-port",
                        Integer.class))) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            out.write(("POST /s/" + "x".repeat(43) + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ncode=1")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            // the rest of the body never comes; the answer arrives after the small-body timeout, then the end
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertThat(answer).startsWith("HTTP/1.1 408").contains("request-timeout");
            assertThat(answer).doesNotContain("x".repeat(43));
            assertThat(waited).as("cut off after the timeout, not at once").isGreaterThanOrEqualTo(2_500);
        }
    }
}
