package org.imageportal.studies;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.imageportal.storage.crypto.DecryptingStream;
import org.imageportal.studies.StudyRecords.StoredInstance;

/**
 * Opens the objects of the next instances while the current one is being sent, in order. Each object costs the
 * store a request round trip before its first byte; sent one after the other, a study's thousand small instances
 * spend most of their time waiting for those. With an opener that {@linkplain #started starts} each stream, its
 * first segment (all of a typical image) is also fetched and decrypted ahead, on another core than the sending.
 * Memory stays at {@code depth} segments and read buffers whatever the study's size.
 */
public final class ReadAhead implements AutoCloseable {

    private static final ExecutorService OPENERS = Executors.newVirtualThreadPerTaskExecutor();

    private final List<StoredInstance> instances;
    private final Function<StoredInstance, InputStream> opener;
    private final int depth;
    private final ArrayDeque<CompletableFuture<InputStream>> ahead = new ArrayDeque<>();
    private int scheduled;

    /** Streams instances {@code from}.. of {@code instances}, keeping up to {@code depth} of them open ahead. */
    public ReadAhead(List<StoredInstance> instances, int from, int depth,
            Function<StoredInstance, InputStream> opener) {
        this.instances = instances;
        this.opener = opener;
        this.depth = depth;
        this.scheduled = from;
        fillUp();
    }

    private void fillUp() {
        while (ahead.size() < depth && scheduled < instances.size()) {
            StoredInstance instance = instances.get(scheduled++);
            ahead.add(CompletableFuture.supplyAsync(() -> opener.apply(instance), OPENERS));
        }
    }

    /**
     * {@code in}, once its first segment was fetched, decrypted and authenticated (for another stream: after one byte
     * was read from it and put back). Closes {@code in} when that fails.
     */
    public static InputStream started(InputStream in) throws IOException {
        try {
            if (in instanceof DecryptingStream decrypting) {
                return decrypting.started();
            }
            java.io.PushbackInputStream pushback = new java.io.PushbackInputStream(in, 1);
            int first = pushback.read();
            if (first >= 0) {
                pushback.unread(first);
            }
            return pushback;
        } catch (IOException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** The next instance's stream; the caller closes it. */
    public InputStream next() throws IOException {
        CompletableFuture<InputStream> first = ahead.poll();
        if (first == null) {
            throw new IllegalStateException("no instance left to read");
        }
        fillUp();
        try {
            return first.get();
        } catch (ExecutionException e) {
            throw new IOException("an object could not be opened", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening an object", e);
        }
    }

    /** Closes what was opened ahead and not taken (a client that went away), whenever its opening finishes. */
    @Override
    public void close() {
        for (CompletableFuture<InputStream> pending : ahead) {
            pending.thenAccept(ReadAhead::closeQuietly);
        }
        ahead.clear();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }
}
