package org.imageportal.platform.work;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Threads for short CPU-bound steps inside reactive chains (a slow hash, hashing a page of the audit trail): off
 * the event loop, which must not stall, and off the worker pool, whose threads may be the very ones blocked waiting
 * for the step (a full worker pool waiting on tasks queued behind it deadlocks). One thread per core; work here
 * never blocks on I/O, it only starts the next asynchronous step.
 */
@ApplicationScoped
public class CpuPool {

    private final ExecutorService threads = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().daemon().name("portal-cpu-", 0).factory());

    /** The executor, for Mutiny's {@code emitOn}. */
    public ExecutorService executor() {
        return threads;
    }

    @PreDestroy
    void stop() {
        threads.shutdown();
    }
}
