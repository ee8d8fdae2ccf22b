package org.imageportal.storage.crypto;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;

/**
 * The plaintext of one object in Tink's AES-GCM-HKDF streaming format, decrypted a segment at a time. Tink's own
 * stream allocates two fresh 1 MiB buffers per object (zeroed, then garbage: 2 GB for a 1,000-image study); this one
 * takes them from {@link SegmentBuffers} when it first needs them and gives them back at the end of the object, on
 * failure or on close, and {@link #transferTo} writes decrypted segments straight from its buffer.
 * <p>
 * Only authenticated bytes are ever returned: a segment is handed out after its tag was checked, a stream that ends
 * early (including exactly at a segment boundary: the last segment is marked as such) fails, and after any failure
 * every further read fails too. Its methods are synchronized so that a close from another thread cannot hand the
 * buffers back while a segment is being decrypted into them.
 */
public final class DecryptingStream extends InputStream {

    private static final int TAG_BYTES = 16;

    private final AesGcmHkdfStreaming aead;
    private final byte[] associatedData;
    private final InputStream ciphertext;
    private final SegmentBuffers pool;
    private StreamSegmentDecrypter decrypter;
    private SegmentBuffers.Pair buffers;
    /** The next segment's number. */
    private int segment;
    /** Whether the ciphertext buffer holds, at index 0, the first byte of the next segment (read to find the end). */
    private boolean lookahead;
    private int position;
    private int limit;
    /** The plaintext buffer holds the object's last segment. */
    private boolean last;
    private IOException failure;
    private boolean closed;

    DecryptingStream(AesGcmHkdfStreaming aead, byte[] associatedData, InputStream ciphertext, SegmentBuffers pool) {
        if (aead.getFirstSegmentOffset() != 0 || aead.getCiphertextSegmentSize() + 1 > pool.ciphertextCapacity()) {
            throw new IllegalArgumentException("segment layout not supported by the buffer pool");
        }
        this.aead = aead;
        this.associatedData = associatedData.clone();
        this.ciphertext = ciphertext;
        this.pool = pool;
    }

    /** Fetches, decrypts and authenticates the first segment now (e.g. ahead of sending it); fails as a read would. */
    public synchronized DecryptingStream started() throws IOException {
        ready();
        return this;
    }

    @Override
    public synchronized int read() throws IOException {
        if (!ready()) {
            return -1;
        }
        return buffers.plaintext()[position++] & 0xff;
    }

    @Override
    public synchronized int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            checkOpen();
            return 0;
        }
        if (!ready()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffers.plaintext(), position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public synchronized long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && ready()) {
            int step = (int) Math.min(n - skipped, limit - position);
            position += step;
            skipped += step;
        }
        return skipped;
    }

    @Override
    public synchronized int available() throws IOException {
        checkOpen();
        return limit - position;
    }

    /** Writes the rest of the plaintext to {@code out} from the segment buffer itself (no intermediate copy). */
    @Override
    public synchronized long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        long transferred = 0;
        while (ready()) {
            int n = limit - position;
            // the buffer is ours until the next segment is loaded: an OutputStream does not keep what it is given
            out.write(buffers.plaintext(), position, n);
            position += n;
            transferred += n;
        }
        return transferred;
    }

    /** Whether plaintext is ready to be read, loading the next segment when none is. */
    private boolean ready() throws IOException {
        checkOpen();
        while (position == limit) {
            if (last) {
                release(); // the end of the plaintext: the buffers go back before the caller closes
                return false;
            }
            try {
                loadSegment();
            } catch (IOException e) {
                failure = e;
                release();
                throw e;
            } catch (GeneralSecurityException | RuntimeException e) {
                failure = new IOException("the object failed authentication", e);
                release();
                throw failure;
            }
        }
        return true;
    }

    private void checkOpen() throws IOException {
        if (failure != null) {
            throw new IOException("the object failed to decrypt earlier", failure);
        }
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    private void loadSegment() throws IOException, GeneralSecurityException {
        if (buffers == null) {
            buffers = pool.take();
        }
        byte[] in = buffers.ciphertext();
        if (decrypter == null) {
            int header = aead.getHeaderLength();
            if (fill(in, 0, header) < header) {
                throw new EOFException("the object ends inside its header");
            }
            decrypter = aead.newStreamSegmentDecrypter();
            decrypter.init(ByteBuffer.wrap(in, 0, header), associatedData);
        }
        int size = segment == 0
                ? aead.getCiphertextSegmentSize() - aead.getHeaderLength()
                : aead.getCiphertextSegmentSize();
        int have = lookahead ? 1 : 0;
        // one byte more than the segment tells whether another segment follows
        have += fill(in, have, size + 1 - have);
        boolean isLast = have <= size;
        if (have < TAG_BYTES) {
            throw new EOFException("the object ends inside a segment");
        }
        int length = isLast ? have : size;
        ByteBuffer plaintext = ByteBuffer.wrap(buffers.plaintext());
        decrypter.decryptSegment(ByteBuffer.wrap(in, 0, length), segment, isLast, plaintext);
        if (!isLast) {
            in[0] = in[size];
            lookahead = true;
            if (segment == Integer.MAX_VALUE) {
                throw new IOException("too many segments");
            }
            segment++;
        }
        last = isLast;
        position = 0;
        limit = plaintext.position();
    }

    /** Reads up to {@code length} bytes into {@code into} at {@code offset}; fewer only at the end of the stream. */
    private int fill(byte[] into, int offset, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int n = ciphertext.read(into, offset + total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private void release() {
        SegmentBuffers.Pair held = buffers;
        buffers = null;
        position = 0;
        limit = 0;
        if (held != null) {
            pool.give(held);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        release();
        ciphertext.close();
    }
}
