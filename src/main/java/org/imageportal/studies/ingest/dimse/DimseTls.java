package org.imageportal.studies.ingest.dimse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The listener's TLS: TLS 1.3 and 1.2 only, forward-secret AEAD cipher suites only (the BCP 195 set), a client
 * certificate required and checked against the portal's own trust store, never the JDK's CAs.
 */
final class DimseTls {

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private DimseTls() {
    }

    static ServerSocket listen(DimseConfig config, int backlog) throws IOException {
        SSLContext context = context(config);
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(config.port(),
                backlog, InetAddress.getByName(config.host()));
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setCipherSuites(Arrays.stream(socket.getSupportedCipherSuites()).filter(DimseTls::modern)
                .toArray(String[]::new));
        parameters.setNeedClientAuth(true);
        parameters.setUseCipherSuitesOrder(true);
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** TLS 1.3's suites, and for 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305. */
    static boolean modern(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                || suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20"));
    }

    private static SSLContext context(DimseConfig config) throws IOException {
        Path keys = config.keyStore().orElseThrow();
        Path trust = config.trustStore().orElseThrow();
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            char[] keyPassword = config.keyStorePassword().orElse("").toCharArray();
            keyManagers.init(load(keys, keyPassword), keyPassword);
            TrustManagerFactory trustManagers = TrustManagerFactory
                    .getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore trusted = load(trust, config.trustStorePassword().orElse("").toCharArray());
            if (trusted.size() == 0) {
                throw new IllegalStateException("portal.dimse.trust-store holds no certificate");
            }
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the DIMSE key or trust store cannot be used: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }
}
