package org.imageportal.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS client side towards an audit record repository: its trust store, and the portal's key for mutual TLS. */
final class AuditTls {

    /** The protocols offered to a repository. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private AuditTls() {
    }

    /**
     * A context trusting the trust store (the JDK's CAs if none) and presenting the key store's certificate if one is
     * given; {@code purpose} names the channel in errors.
     */
    static SSLContext client(RepositoryTls stores, String purpose) throws IOException {
        Optional<Path> trustStore = stores.trustStore();
        Optional<Path> keyStore = stores.keyStore();
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore.isPresent() ? load(trustStore.get(), stores.trustStorePassword().orElse("")) : null);
            KeyManagerFactory keys = null;
            if (keyStore.isPresent()) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String password = stores.keyStorePassword().orElse("");
                keys.init(load(keyStore.get(), password), password.toCharArray());
            }
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for " + purpose + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
