package org.imageportal.studies.ingest.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;

/** Which configurations stop the listener from starting. */
class DimseListenerCheckTest {

    record Config(boolean plainTcp, Optional<Path> keyStore, Optional<Path> trustStore, String aeTitle, long pdu)
            implements
                DimseConfig {

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return 11113;
        }

        @Override
        public Optional<String> keyStorePassword() {
            return Optional.empty();
        }

        @Override
        public Optional<String> trustStorePassword() {
            return Optional.empty();
        }

        @Override
        public int maxAssociations() {
            return 4;
        }

        @Override
        public MemorySize maxPduSize() {
            return new MemorySize(java.math.BigInteger.valueOf(pdu));
        }

        @Override
        public MemorySize maxRequestSize() {
            return new MemorySize(java.math.BigInteger.valueOf(128 * 1024));
        }

        @Override
        public Duration handshakeTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration idleTimeout() {
            return Duration.ofSeconds(60);
        }
    }

    static final Optional<Path> STORE = Optional.of(Path.of("store.p12"));

    @Test
    void plainTcpIsRefusedInTheProdProfileOnly() {
        Config plain = new Config(true, Optional.empty(), Optional.empty(), "PORTAL", 65536);
        assertThat(DimseListener.check(plain, List.of("prod"))).get().asString().contains("plain-tcp");
        assertThat(DimseListener.check(plain, List.of("dev"))).isEmpty();
    }

    @Test
    void tlsNeedsBothStores() {
        assertThat(DimseListener.check(new Config(false, STORE, Optional.empty(), "PORTAL", 65536),
                List.of("prod"))).get().asString().contains("trust-store");
        assertThat(DimseListener.check(new Config(false, STORE, STORE, "PORTAL", 65536), List.of("prod"))).isEmpty();
    }

    @Test
    void anInvalidAeTitleOrPduSizeIsRefused() {
        assertThat(DimseListener.check(new Config(false, STORE, STORE, "A\\B", 65536), List.of("prod"))).isPresent();
        assertThat(DimseListener.check(new Config(false, STORE, STORE, "PORTAL", 100), List.of("prod")))
                .isPresent();
    }

    @Test
    void handshakeFailuresAreToldApart() {
        assertThat(DimseListener.handshakeFailure(new javax.net.ssl.SSLHandshakeException(
                "Empty client certificate chain"))).isEqualTo("no-client-certificate");
        assertThat(DimseListener.handshakeFailure(new javax.net.ssl.SSLHandshakeException(
                "PKIX path building failed"))).isEqualTo("client-certificate-not-trusted");
        assertThat(DimseListener.handshakeFailure(new javax.net.ssl.SSLException(
                "Unsupported or unrecognized SSL message"))).isEqualTo("not-tls");
    }
}
