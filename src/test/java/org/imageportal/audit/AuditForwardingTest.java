package org.imageportal.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;
import javax.xml.parsers.DocumentBuilderFactory;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TcpRelay;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Element;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The audit trail reaches an audit record repository as DICOM audit messages in RFC 5424 syslog over mutually
 * authenticated TLS (RFC 5425 framing), checked by a TLS listener the test runs; an unreachable or untrusted
 * repository loses nothing.
 */
@QuarkusTest
@TestProfile(AuditForwardingTest.WithRepository.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditForwardingTest {

    private static final String PASSWORD = "test-only-store";
    private static final Path STORES = Path.of(System.getProperty("java.io.tmpdir"), "portal-syslog-test");

    /** Forwarding on, to the listener's port, trusting the listener's certificate and presenting the portal's. */
    public static class WithRepository implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            certificates();
            Map<String, String> config = new java.util.HashMap<>(Map.of("portal.audit.syslog.enabled", "true",
                    "portal.audit.syslog.host", "localhost",
                    "portal.audit.syslog.port", Integer.toString(TcpRelay.reservePort("syslog")),
                    "portal.audit.syslog.trust-store", STORES.resolve("portal-trust.p12").toString(),
                    "portal.audit.syslog.trust-store-password", PASSWORD, "portal.audit.syslog.key-store",
                    STORES.resolve("portal.p12").toString(), "portal.audit.syslog.key-store-password", PASSWORD,
                    "portal.audit.syslog.every", "1h", "portal.audit.syslog.batch", "300"));
            // the same repository's FHIR side, over HTTPS with the same certificates
            config.putAll(Map.of("portal.audit.fhir.enabled", "true", "portal.audit.fhir.url",
                    "https://localhost:" + TcpRelay.reservePort("fhir") + "/fhir",
                    "portal.audit.fhir.trust-store", STORES.resolve("portal-trust.p12").toString(),
                    "portal.audit.fhir.trust-store-password", PASSWORD, "portal.audit.fhir.key-store",
                    STORES.resolve("portal.p12").toString(), "portal.audit.fhir.key-store-password", PASSWORD,
                    "portal.audit.fhir.every", "1h", "portal.audit.fhir.batch", "200"));
            return config;
        }
    }

    @Inject
    AuditForwarder forwarder;

    @Inject
    DataSource db;

    Listener listener;

    FhirRepository fhirRepository;

    @AfterEach
    void stop() throws IOException {
        if (listener != null) {
            listener.close();
        }
        if (fhirRepository != null) {
            fhirRepository.close();
        }
    }

    /**
     * A FHIR audit record repository over HTTPS that requires a client certificate: takes batch Bundles of
     * AuditEvents and answers each entry created, as a FHIR server does.
     */
    static final class FhirRepository implements AutoCloseable {

        final List<com.fasterxml.jackson.databind.JsonNode> bundles = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final com.sun.net.httpserver.HttpsServer server;

        FhirRepository(String identity) throws Exception {
            SSLContext tls = SSLContext.getInstance("TLS");
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(Listener.store(identity + ".p12"), PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(Listener.store("repository-trust.p12"));
            tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            server = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    TcpRelay.reservePort("fhir")), 0);
            server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls) {

                @Override
                public void configure(com.sun.net.httpserver.HttpsParameters parameters) {
                    javax.net.ssl.SSLParameters ssl = tls.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(true);
                    parameters.setSSLParameters(ssl);
                }
            });
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            server.createContext("/fhir", exchange -> {
                try (exchange) {
                    peers.add(((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession().getPeerPrincipal()
                            .getName());
                    com.fasterxml.jackson.databind.JsonNode bundle = json.readTree(exchange.getRequestBody());
                    bundles.add(bundle);
                    List<Map<String, Object>> answers = new ArrayList<>();
                    bundle.path("entry").forEach(e -> answers.add(Map.of("response", Map.of("status", "201 Created"))));
                    byte[] body = json.writeValueAsBytes(Map.of("resourceType", "Bundle", "type", "batch-response",
                            "entry", answers));
                    exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.start();
        }

        /** The AuditEvents received, in order. */
        List<com.fasterxml.jackson.databind.JsonNode> events() {
            List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
            bundles.forEach(b -> b.path("entry").forEach(e -> out.add(e.path("resource"))));
            return out;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Key pairs made with the JDK's keytool: the repository (localhost), the portal, and an impostor. */
    static synchronized void certificates() {
        if (Files.exists(STORES.resolve("portal-trust.p12"))) {
            return;
        }
        try {
            Files.createDirectories(STORES);
            for (String name : List.of("repository", "portal", "impostor")) {
                keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                        "CN=" + (name.equals("portal") ? "image-portal" : "localhost"), "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3", "-storetype", "PKCS12", "-keystore",
                        STORES.resolve(name + ".p12").toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
                keytool("-exportcert", "-alias", name, "-keystore", STORES.resolve(name + ".p12").toString(),
                        "-storepass", PASSWORD, "-file", STORES.resolve(name + ".crt").toString());
            }
            // the portal trusts the repository; the repository trusts the portal
            keytool("-importcert", "-noprompt", "-alias", "repository", "-file", STORES.resolve("repository.crt")
                    .toString(), "-storetype", "PKCS12", "-keystore", STORES.resolve("portal-trust.p12").toString(),
                    "-storepass", PASSWORD);
            keytool("-importcert", "-noprompt", "-alias", "portal", "-file", STORES.resolve("portal.crt").toString(),
                    "-storetype", "PKCS12", "-keystore", STORES.resolve("repository-trust.p12").toString(),
                    "-storepass", PASSWORD);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot make the test certificates", e);
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    /** A syslog/TLS receiver that requires a client certificate it trusts, and keeps every framed message. */
    static final class Listener implements AutoCloseable {

        final LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        final List<String> peers = new ArrayList<>();
        private final ServerSocket server;

        Listener(String identity) throws Exception {
            SSLContext tls = SSLContext.getInstance("TLS");
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store(identity + ".p12"), PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store("repository-trust.p12"));
            tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            socket.setReuseAddress(true);
            socket.setNeedClientAuth(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), TcpRelay.reservePort("syslog")));
            server = socket;
            Thread.ofVirtual().start(this::accept);
        }

        static KeyStore store(String file) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(STORES.resolve(file))) {
                store.load(in, PASSWORD.toCharArray());
            }
            return store;
        }

        private void accept() {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) client;
                    tls.startHandshake();
                    synchronized (peers) {
                        peers.add(tls.getSession().getPeerPrincipal().getName());
                    }
                    DataInputStream in = new DataInputStream(tls.getInputStream());
                    while (true) {
                        StringBuilder length = new StringBuilder();
                        int c;
                        while ((c = in.read()) != ' ') {
                            if (c < 0) {
                                throw new java.io.EOFException();
                            }
                            length.append((char) c);
                        }
                        byte[] message = new byte[Integer.parseInt(length.toString())];
                        in.readFully(message);
                        messages.add(message);
                    }
                } catch (IOException e) {
                    // the sender closed, or the handshake failed
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private long lastForwarded() throws Exception {
        return Long.parseLong(Dicomweb.queryString(db,
                "SELECT coalesce(max(last_seq), 0)::text FROM portal.audit_forwarding WHERE destination = ?",
                "syslog:localhost:" + TcpRelay.reservePort("syslog")));
    }

    private long head() throws Exception {
        return Long.parseLong(Dicomweb.queryString(db, "SELECT max(seq)::text FROM portal.audit_event "
                + "WHERE action <> ?", "none"));
    }

    /** A front-desk search, so that the trail has an entry with a DICOM event (Query). */
    private String search() {
        TestRealm.User desk = TestRealm.createUser("frontdesk");
        given().auth().oauth2(TestRealm.mfaToken(desk)).queryParam("mrn", "NOBODY-" + System.nanoTime())
                .get("/api/patients").then().statusCode(200);
        return desk.id();
    }

    private static List<String> texts(List<byte[]> messages) {
        return messages.stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void theTrailArrivesAsDicomAuditMessagesInSyslogOverMutualTls() throws Exception {
        String desk = search();
        long head = head();
        listener = new Listener("repository");
        assertThat(forwarder.forward()).hasValueSatisfying(reached -> assertThat(reached).isGreaterThanOrEqualTo(
                head));
        assertThat(lastForwarded()).isGreaterThanOrEqualTo(head);
        List<byte[]> received = new ArrayList<>(listener.messages);
        assertThat(received).isNotEmpty();
        assertThat(listener.peers).allMatch(peer -> peer.contains("CN=image-portal"));
        byte[] query = received.stream().filter(m -> new String(m, StandardCharsets.UTF_8).contains("UserID=\"" + desk
                + "\"")).findFirst().orElseThrow(() -> new AssertionError("the search was not forwarded"));
        String text = new String(query, StandardCharsets.UTF_8);
        // RFC 5424 header: PRI (authpriv.notice), version 1, time, host, app, no procid, MSGID, no structured data
        assertThat(text).matches("(?s)<85>1 \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\S+ image-portal - IHE\\+RFC-3881 - "
                + "\uFEFF<\\?xml.*");
        int xmlStart = text.indexOf('\uFEFF') + 1;
        Element message = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(text.substring(xmlStart).getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        assertThat(message.getTagName()).isEqualTo("AuditMessage");
        assertThat(((Element) message.getElementsByTagName("EventID").item(0)).getAttribute("csd-code"))
                .isEqualTo("110112");
        // nothing new: nothing sent again
        int before = listener.messages.size();
        forwarder.forward();
        assertThat(listener.messages).hasSize(before);
    }

    @Test
    void overMutualTlsStudiesAndPatientsAreNamedAsTheStandardDoesAndRefusalsAreForwarded() throws Exception {
        org.imageportal.support.PatientWithStudy p = org.imageportal.support.PatientWithStudy.create(db, 6301);
        given().auth().oauth2(p.ownerToken()).get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then()
                .statusCode(200);
        // a patient asking for the audit trail: refused, a security alert
        given().auth().oauth2(p.ownerToken()).get("/api/audit/events").then().statusCode(403);
        long deadline = System.nanoTime() + 5_000_000_000L;
        // the refusal is recorded just after its answer
        while (Long.parseLong(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event "
                + "WHERE action = 'access.denied' AND actor = ?", p.owner().id())) == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String issuer = Dicomweb.queryString(db, "SELECT issuer FROM portal.patient WHERE patient_id = ?",
                p.patient().id());
        listener = new Listener("repository");
        forwarder.forward();
        List<String> received = texts(new ArrayList<>(listener.messages));
        String retrieve = received.stream()
                .filter(m -> m.contains("UserID=\"" + p.owner().id() + "\"") && m.contains("csd-code=\"110104\""))
                .findFirst().orElseThrow(() -> new AssertionError("the study read was not forwarded"));
        assertThat(retrieve).contains("ParticipantObjectID=\"" + p.study().studyUid() + "\"")
                .contains("csd-code=\"110180\"")
                .contains("ParticipantObjectID=\"" + p.patient().id() + (issuer.isEmpty() ? "" : "^^^" + issuer)
                        + "\"")
                .doesNotContain("ParticipantObjectID=\"" + p.studyId() + "\"");
        assertThat(received).as("the refused request forwarded as a security alert").anyMatch(m -> m.contains(
                "UserID=\"" + p.owner().id() + "\"") && m.contains("csd-code=\"110113\"")
                && m.contains("csd-code=\"110132\""));
        // the same entry read through the API names the study by the portal's id only
        String officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        long seq = given().auth().oauth2(officer).queryParam("actor", p.owner().id())
                .queryParam("action", "study.retrieve").get("/api/audit/events").then().statusCode(200).extract()
                .jsonPath().getList("seq", Long.class).getFirst();
        String exported = given().auth().oauth2(officer).get("/api/audit/events/" + seq + "/dicom").then()
                .statusCode(200).extract().asString();
        assertThat(exported).contains(p.studyId()).doesNotContain(p.study().studyUid());
    }

    @Test
    void anUnreachableOrUntrustedRepositoryLosesNothing() throws Exception {
        // catch up first
        listener = new Listener("repository");
        forwarder.forward();
        listener.close();
        long before = lastForwarded();

        String desk = search();
        assertThatThrownBy(forwarder::forward).isInstanceOf(UncheckedIOException.class);
        assertThat(lastForwarded()).isEqualTo(before);

        // a listener with a certificate the portal does not trust gets nothing
        listener = new Listener("impostor");
        assertThatThrownBy(forwarder::forward).isInstanceOf(UncheckedIOException.class);
        assertThat(listener.messages).isEmpty();
        assertThat(lastForwarded()).isEqualTo(before);
        listener.close();

        listener = new Listener("repository");
        forwarder.forward();
        assertThat(lastForwarded()).isGreaterThan(before);
        assertThat(texts(new ArrayList<>(listener.messages))).anyMatch(m -> m.contains("UserID=\"" + desk + "\""));
    }

    @Test
    void toAFhirRepositoryOverMutualTlsTheTrailGoesAsAuditEventsNamingStudiesAndPatientsAsTheStandardsDo()
            throws Exception {
        org.imageportal.support.PatientWithStudy p = org.imageportal.support.PatientWithStudy.create(db, 6302);
        given().auth().oauth2(p.ownerToken()).get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then()
                .statusCode(200);
        String issuer = Dicomweb.queryString(db, "SELECT issuer FROM portal.patient WHERE patient_id = ?",
                p.patient().id());
        fhirRepository = new FhirRepository("repository");
        long head = head();
        assertThat(forwarder.forwardFhir()).hasValueSatisfying(reached -> assertThat(reached)
                .isGreaterThanOrEqualTo(head));
        assertThat(fhirRepository.peers).isNotEmpty().allMatch(peer -> peer.contains("CN=image-portal"));
        assertThat(fhirRepository.bundles).allMatch(b -> b.path("type").asText().equals("batch"));
        com.fasterxml.jackson.databind.JsonNode read = fhirRepository.events().stream()
                .filter(e -> e.path("agent").path(0).path("who").path("identifier").path("value").asText()
                        .equals(p.owner().id()) && e.toString().contains("\"study.retrieve\""))
                .findFirst().orElseThrow(() -> new AssertionError("the study read was not forwarded"));
        assertThat(read.path("resourceType").asText()).isEqualTo("AuditEvent");
        List<com.fasterxml.jackson.databind.JsonNode> identifiers = new ArrayList<>();
        read.path("entity").forEach(entity -> identifiers.add(entity.path("what").path("identifier")));
        assertThat(identifiers).as("the study by its Study Instance UID").anyMatch(id -> id.path("system").asText()
                .equals("urn:dicom:uid") && id.path("value").asText().equals("urn:oid:" + p.study().studyUid())
                && id.path("type").path("coding").path(0).path("code").asText().equals("110180"));
        assertThat(identifiers).as("the patient by Patient ID and issuer").anyMatch(id -> id.path("value").asText()
                .equals(p.patient().id()) && id.path("type").path("coding").path(0).path("code").asText().equals("MR")
                && (issuer.isEmpty() || id.path("assigner").path("display").asText().equals(issuer)));
        assertThat(read.toString()).as("not by the portal's ids").doesNotContain(p.studyId());
        // every entry goes, those without a DICOM audit event too, and nothing twice
        int before = fhirRepository.events().size();
        forwarder.forwardFhir();
        assertThat(fhirRepository.events()).hasSize(before);
        assertThat(Long.parseLong(Dicomweb.queryString(db, "SELECT last_seq::text FROM portal.audit_forwarding "
                + "WHERE destination = ?", "fhir:https://localhost:" + TcpRelay.reservePort("fhir") + "/fhir")))
                .isGreaterThanOrEqualTo(head);

        // a server the portal does not trust gets nothing, and the position stays
        fhirRepository.close();
        search();
        fhirRepository = new FhirRepository("impostor");
        assertThatThrownBy(forwarder::forwardFhir).isInstanceOf(UncheckedIOException.class);
        assertThat(fhirRepository.bundles).isEmpty();
    }
}
