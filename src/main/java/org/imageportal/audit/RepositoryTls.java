package org.imageportal.audit;

import java.nio.file.Path;
import java.util.Optional;

/** The TLS material for reaching an audit record repository (syslog or FHIR), as configured. */
public interface RepositoryTls {

    /** A PKCS#12 trust store with the repository's certificate or its CA; the JDK's CAs if left out. */
    Optional<Path> trustStore();

    /** The trust store's password (secret). */
    Optional<String> trustStorePassword();

    /** A PKCS#12 key store with the portal's client certificate, for repositories that require one (mutual TLS). */
    Optional<Path> keyStore();

    /** The key store's password (secret). */
    Optional<String> keyStorePassword();
}
