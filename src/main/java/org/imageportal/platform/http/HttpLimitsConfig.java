package org.imageportal.platform.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How much work the portal takes on at once. */
@ConfigMapping(prefix = "portal.http")
public interface HttpLimitsConfig {

    /**
     * Requests in progress at once (health and metrics not counted); one more is answered at once with 503 and
     * Retry-After instead of waiting in a queue. Under an overload, waiting requests only grow: each one's answer
     * comes later, and a portal that has fallen behind never catches up. 0 turns the limit off.
     */
    @WithDefault("256")
    @jakarta.validation.constraints.Min(0)
    int maxInFlight();

    /**
     * The largest url-encoded form accepted (sign-in codes, sharing forms, desk forms); a larger one is refused with
     * 413 before its body is read. File uploads are multipart and limited by the ingest settings instead.
     */
    @WithDefault("65536")
    @jakarta.validation.constraints.Min(1024)
    long maxFormBytes();

    /**
     * The longest request target (path and query) answered; a longer one gets 414 with a problem. The HTTP layer
     * itself reads lines of up to four times this (quarkus.http.limits.max-initial-line-length) and drops the
     * connection beyond.
     */
    @WithDefault("8192")
    @jakarta.validation.constraints.Min(1024)
    int maxUriBytes();

    /**
     * The most header bytes (names and values) a request may carry; more gets 431 with a problem. The HTTP layer
     * itself reads up to four times this (quarkus.http.limits.max-header-size) and drops the connection beyond.
     */
    @WithDefault("16384")
    @jakarta.validation.constraints.Min(4096)
    int maxHeaderBytes();

    /**
     * How long a small body (a form or JSON: anything but multipart uploads and DICOM) may take to arrive in full;
     * a client still sending after that gets 408 and its connection is closed. Connections idle longer than
     * quarkus.http.idle-timeout are closed whatever they carry.
     */
    @WithDefault("30s")
    java.time.Duration smallBodyTimeout();

    /**
     * How long a request's head (request line and headers) may take to arrive, counted from the connection's opening
     * or from the first byte of each next request; a client still sending its head after that gets 408 and its
     * connection is closed. Between requests a kept-alive connection is not on this clock but on
     * quarkus.http.idle-timeout. 0 turns the deadline off (leave it then to the reverse proxy).
     */
    @WithDefault("10s")
    java.time.Duration headerTimeout();

    /**
     * Client addresses (CIDR ranges) that may read the metrics at {@code /q/metrics}; others get 404. Empty: anyone
     * (the dev and test profiles). Behind the reverse proxy the forwarded client address counts, so the proxy's
     * public side never reaches them.
     */
    java.util.Optional<java.util.List<String>> metricsFrom();
}
