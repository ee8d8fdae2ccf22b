package org.imageportal.studies.ingest.dimse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The DIMSE gateway: a C-ECHO and C-STORE SCP on a TLS listener of the portal's own, for the DICOM nodes in the AE
 * registry. Off unless enabled.
 */
@ConfigMapping(prefix = "portal.dimse")
public interface DimseConfig {

    /** Whether the portal listens for DIMSE associations at all. */
    @WithDefault("false")
    boolean enabled();

    /** The local address to listen on (all interfaces by default). */
    @WithDefault("0.0.0.0")
    String host();

    /** The port; 2762 is the port registered for DICOM over TLS. */
    @WithDefault("2762")
    int port();

    /** The portal's AE title: the called AE title of a registered node unless its entry names another. */
    @WithDefault("IMAGEPORTAL")
    String aeTitle();

    /** A PKCS#12 key store with the listener's private key and certificate chain. Required with TLS. */
    Optional<Path> keyStore();

    /** The key store's password (secret). */
    Optional<String> keyStorePassword();

    /**
     * A PKCS#12 trust store with the CA certificates that client certificates must chain to (never the JDK's CAs).
     * Required with TLS.
     */
    Optional<Path> trustStore();

    /** The trust store's password (secret). */
    Optional<String> trustStorePassword();

    /**
     * Plain TCP instead of TLS: only for a closed network segment, only when set, and refused in the prod profile.
     * The address and AE title checks still apply; certificate subjects cannot be checked.
     */
    @WithDefault("false")
    boolean plainTcp();

    /** Associations served at once; a connection beyond it is closed before its TLS handshake. */
    @WithDefault("16")
    int maxAssociations();

    /** The largest P-DATA-TF PDU the portal announces and accepts (4 KiB to 1 MiB). */
    @WithDefault("64K")
    MemorySize maxPduSize();

    /** The largest A-ASSOCIATE-RQ read (a request proposing every storage SOP class stays far below). */
    @WithDefault("128K")
    MemorySize maxRequestSize();

    /** Time for the TLS handshake and the association request. */
    @WithDefault("10s")
    Duration handshakeTimeout();

    /** How long an association may stay silent before it is aborted. */
    @WithDefault("60s")
    Duration idleTimeout();
}
