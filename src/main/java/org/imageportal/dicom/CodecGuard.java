package org.imageportal.dicom;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs third-party image readers, which are not ours to make total, on threads of their own with a deadline: a
 * crafted codestream that sends a reader into an endless loop costs one such thread, never the request that asked
 * (it gets {@link FrameDecoder.Undecodable} at the deadline) or a shared worker. After {@code maxStuck} readers have
 * missed their deadline, compressed frames are refused at once until the portal restarts, so hostile files cannot
 * gather threads without bound; each miss is logged (no image data, no names).
 */
final class CodecGuard {

    private static final Logger LOG = Logger.getLogger(CodecGuard.class.getName());

    private final Duration deadline;
    private final int maxStuck;
    private final AtomicInteger stuck = new AtomicInteger();
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool;

    CodecGuard(Duration deadline, int maxStuck) {
        this.deadline = deadline;
        this.maxStuck = maxStuck;
        this.pool = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "image-codec-" + threads.incrementAndGet());
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
    }

    /** How many readers have missed their deadline so far. */
    int stuck() {
        return stuck.get();
    }

    <T> T run(Callable<T> decode) throws FrameDecoder.Undecodable {
        if (stuck.get() >= maxStuck) {
            throw new FrameDecoder.Undecodable("compressed frames are not decoded: earlier ones did not finish");
        }
        Future<T> result = pool.submit(decode);
        try {
            return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            int now = stuck.incrementAndGet();
            // formatted here: java.util.logging would group the digits ("5,000 ms"), which alert patterns miss
            LOG.log(Level.WARNING, String.format(java.util.Locale.ROOT,
                    "an image reader missed its deadline of %d ms (%d so far, at most %d)", deadline.toMillis(), now,
                    maxStuck));
            throw new FrameDecoder.Undecodable("the compressed frame took too long to decode");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FrameDecoder.Undecodable undecodable) {
                throw undecodable;
            }
            throw new FrameDecoder.Undecodable("the compressed frame cannot be decoded");
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new FrameDecoder.Undecodable("decoding was interrupted");
        }
    }
}
