package org.imageportal.platform.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The time the portal decides by (link expiry, not-before, sessions): the system clock in UTC. Services take it
 * injected rather than calling {@code Instant.now()}, so that tests can move time forward.
 */
public class Clocks {

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
