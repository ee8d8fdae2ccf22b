package org.imageportal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.imageportal.support.TcpRelay;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The object-store port against the real S3 server (S3Proxy here, MinIO in production). */
@QuarkusTest
class S3ObjectStoreTest {

    @Inject
    ObjectStore store;

    @Inject
    StorageConfig config;

    @Test
    void streamOfUnknownLengthRoundTripsAcrossMultipartParts() throws Exception {
        byte[] data = new byte[(int) S3ObjectStore.PART_SIZE + 123_457];
        new Random(7).nextBytes(data);
        ObjectKey key = ObjectKey.random("t");
        long written = store.put(key, new ByteArrayInputStream(data));
        assertThat(written).isEqualTo(data.length);
        try (InputStream in = store.get(key)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        try (InputStream in = store.get(key, 1_000_000, 10)) {
            byte[] expected = new byte[10];
            System.arraycopy(data, 1_000_000, expected, 0, 10);
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }
        store.delete(key);
        assertThat(store.exists(key)).isFalse();
    }

    /**
     * Keep-alive connections the store has closed while they sat in the pool (S3 servers close idle connections)
     * fail the next request on them with "unexpected end of stream"; a read is tried again on a fresh connection.
     */
    @Test
    void aRequestOnAConnectionTheStoreHasClosedIsRetriedOnANewOne() throws Exception {
        java.net.URI endpoint = java.net.URI.create(config.endpoint());
        try (TcpRelay relay = TcpRelay.listen(endpoint.getHost(), endpoint.getPort())) {
            S3ObjectStore direct = new S3ObjectStore(through(relay));
            ObjectKey key = ObjectKey.random("t");
            direct.put(key, new byte[]{1, 2, 3});
            // three reads at once leave three keep-alive connections in the pool
            try (InputStream a = direct.get(key); InputStream b = direct.get(key); InputStream c = direct.get(key)) {
                for (InputStream in : java.util.List.of(a, b, c)) {
                    assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
                }
            }
            relay.dropConnections(); // every pooled connection is closed under the client
            try (InputStream in = direct.get(key)) {
                assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            }
            // a whole-object write, idempotent as well, on kept connections closed the same way
            try (InputStream a = direct.get(key); InputStream b = direct.get(key)) {
                assertThat(a.readAllBytes()).containsExactly(1, 2, 3);
                assertThat(b.readAllBytes()).containsExactly(1, 2, 3);
            }
            relay.dropConnections();
            direct.put(key, new byte[]{4, 5});
            try (InputStream in = direct.get(key)) {
                assertThat(in.readAllBytes()).containsExactly(4, 5);
            }
            direct.delete(key);
            direct.close();
        }
    }

    /**
     * A reader that stops early (a client that went away) gives its connection up: were it put back for reuse with the
     * rest of the body unread, the next read on it would take that rest for its own response (or the pool would run
     * dry and every later read wait until it timed out).
     */
    @Test
    void readsAbandonedHalfwayDoNotHoldTheirConnections() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(11).nextBytes(data);
        ObjectKey key = ObjectKey.random("t");
        store.put(key, data);
        for (int i = 0; i < 20; i++) {
            try (InputStream in = store.get(key)) {
                assertThat(in.readNBytes(1000)).isEqualTo(java.util.Arrays.copyOf(data, 1000));
                Thread.sleep(30); // the store goes on sending while the reader waits
            }
        }
        try (InputStream in = store.get(key)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        store.delete(key);
    }

    /** A connection lost in the middle of a body is an error for the reader, never a shorter object. */
    @Test
    void aConnectionLostMidBodyFailsTheReadInsteadOfEndingIt() throws Exception {
        java.net.URI endpoint = java.net.URI.create(config.endpoint());
        byte[] data = new byte[32 << 20];
        new Random(13).nextBytes(data);
        ObjectKey key = ObjectKey.random("t");
        store.put(key, data);
        try (TcpRelay relay = TcpRelay.listen(endpoint.getHost(), endpoint.getPort())) {
            S3ObjectStore direct = new S3ObjectStore(through(relay));
            try (InputStream in = direct.get(key)) {
                assertThat(in.readNBytes(100_000)).isEqualTo(java.util.Arrays.copyOf(data, 100_000));
                relay.dropConnections();
                assertThatThrownBy(in::readAllBytes).isInstanceOf(java.io.IOException.class);
            }
            direct.close();
        }
        store.delete(key);
    }

    /**
     * An https endpoint (TLS ended in front of the store by a relay with a certificate made for 127.0.0.1): the
     * object arrives whole over TLS; the same certificate reached under another name, or not trusted, is refused.
     */
    @Test
    void readsOverTlsCheckTheCertificateAndTheName(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("store.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "store", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=object-store", "-ext", "SAN=ip:127.0.0.1", "-validity", "1", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "test-only", "-keypass", "test-only").redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        java.security.KeyStore keys = java.security.KeyStore.getInstance(keystore.toFile(), "test-only".toCharArray());
        var keyManagers = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, "test-only".toCharArray());
        javax.net.ssl.SSLContext server = javax.net.ssl.SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        var trustManagers = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(keys);
        javax.net.ssl.SSLContext trusting = javax.net.ssl.SSLContext.getInstance("TLS");
        trusting.init(null, trustManagers.getTrustManagers(), null);

        byte[] data = new byte[3 << 20];
        new Random(17).nextBytes(data);
        ObjectKey key = ObjectKey.random("t");
        store.put(key, data);
        java.net.URI endpoint = java.net.URI.create(config.endpoint());
        try (TcpRelay relay = TcpRelay.listen(endpoint.getHost(), endpoint.getPort(),
                server.getServerSocketFactory())) {
            try (S3Http reads = new S3Http(at("https://127.0.0.1:" + relay.port()), 10_000, trusting)) {
                for (int i = 0; i < 2; i++) { // the second on the kept connection
                    try (InputStream in = reads.open(config.bucket(), key, null)) {
                        assertThat(in.readAllBytes()).isEqualTo(data);
                    }
                }
            }
            try (S3Http otherName = new S3Http(at("https://localhost:" + relay.port()), 10_000, trusting)) {
                assertThatThrownBy(() -> otherName.open(config.bucket(), key, null))
                        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            }
            try (S3Http untrusting = new S3Http(at("https://127.0.0.1:" + relay.port()), 10_000, null)) {
                assertThatThrownBy(() -> untrusting.open(config.bucket(), key, null))
                        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            }
        }
        store.delete(key);
    }

    @Test
    void anUploadAlteredOnItsWayIsRefusedByTheStoreAndNothingIsKept() throws Exception {
        java.net.URI endpoint = java.net.URI.create(config.endpoint());
        try (TcpRelay relay = TcpRelay.listen(endpoint.getHost(), endpoint.getPort())) {
            S3ObjectStore direct = new S3ObjectStore(through(relay));
            ObjectKey key = ObjectKey.random("t");
            byte[] content = new byte[300_000];
            new java.util.Random(7).nextBytes(content);
            ObjectKey warm = ObjectKey.random("t");
            direct.put(warm, new byte[]{1}); // the bucket check done, only the upload itself is relayed altered
            direct.delete(warm);
            relay.corruptUploads(true);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> direct.put(key, content))
                    .isInstanceOf(StorageException.class);
            relay.corruptUploads(false);
            assertThat(direct.exists(key)).as("nothing kept under the key").isFalse();
            direct.put(key, content);
            try (InputStream in = direct.get(key)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            direct.delete(key);
        }
    }

    @Test
    void aPartAlteredOnItsWayFailsTheMultipartUploadAndNothingIsKept() throws Exception {
        java.net.URI endpoint = java.net.URI.create(config.endpoint());
        try (TcpRelay relay = TcpRelay.listen(endpoint.getHost(), endpoint.getPort())) {
            S3ObjectStore direct = new S3ObjectStore(through(relay));
            byte[] content = new byte[S3ObjectStore.PART_SIZE * 2 + 4_321];
            new java.util.Random(11).nextBytes(content);
            ObjectKey warm = ObjectKey.random("t");
            direct.put(warm, new byte[]{1});
            direct.delete(warm);
            ObjectKey key = ObjectKey.random("t");
            relay.corruptUploads(true);
            org.assertj.core.api.Assertions
                    .assertThatThrownBy(() -> direct.put(key, new java.io.ByteArrayInputStream(content)))
                    .isInstanceOf(StorageException.class);
            relay.corruptUploads(false);
            assertThat(direct.exists(key)).as("nothing kept under the key").isFalse();
            assertThat(direct.put(key, new java.io.ByteArrayInputStream(content))).isEqualTo(content.length);
            try (InputStream in = direct.get(key)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            direct.delete(key);
        }
    }

    private StorageConfig through(TcpRelay relay) {
        return at("http://127.0.0.1:" + relay.port());
    }

    private StorageConfig at(String url) {
        return new StorageConfig() {

            public String endpoint() {
                return url;
            }

            public String region() {
                return config.region();
            }

            public String bucket() {
                return config.bucket();
            }

            public String accessKey() {
                return config.accessKey();
            }

            public String secretKey() {
                return config.secretKey();
            }
        };
    }

    @Test
    void deletingAMissingObjectIsNotAnError() {
        ObjectKey key = ObjectKey.random("t");
        store.delete(key);
        assertThat(store.exists(key)).isFalse();
    }

    @Test
    void readingAMissingObjectFails() {
        assertThatThrownBy(() -> store.get(ObjectKey.random("t")).close()).isInstanceOf(StorageException.class);
    }

    @Test
    void objectKeysAreOpaqueAndCannotCarryNames() {
        ObjectKey key = ObjectKey.random("i");
        assertThat(key.value()).matches("i/[0-9a-f]{2}/[0-9a-f-]{36}");
        assertThatThrownBy(() -> new ObjectKey("i/ab/DOE^JOHN-1.2.840.10008"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectKey("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStoreHoldsExactlyTheBytesGivenUnderTheOpaqueKey() throws Exception {
        String stateDir = System.getenv("PORTAL_STATE_DIR");
        ObjectKey key = ObjectKey.random("t");
        store.put(key, new ByteArrayInputStream("payload-bytes".getBytes()));
        if (stateDir != null) {
            // S3Proxy's filesystem backend: the object's file is named by the key and nothing else
            Path bucketDir = Path.of(stateDir, "data", "s3",
                    org.eclipse.microprofile.config.ConfigProvider.getConfig()
                            .getValue("portal.storage.bucket", String.class));
            try (Stream<Path> files = Files.walk(bucketDir)) {
                assertThat(files.filter(Files::isRegularFile).map(bucketDir::relativize).map(Path::toString))
                        .contains(key.value());
            }
        }
        store.delete(key);
    }
}
