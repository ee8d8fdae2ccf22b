package org.imageportal.dicom;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Keeps every byte the header reader consumes, so that the instance can later be stored exactly as received
 * (header bytes, then the rest of the source), without reading the source twice or buffering pixel data.
 */
final class HeaderCapture extends FilterInputStream {

    /** The header outgrew its limit; the parser's exception is replaced by this one. */
    static final class TooLarge extends IOException {

        TooLarge() {
            super("header limit", null);
        }
    }

    /** The source itself failed (e.g. the client went away); not a problem with the data. */
    static final class SourceFailed extends IOException {

        SourceFailed(IOException cause) {
            super("source failed", cause);
        }
    }

    private final int limit;
    private final InputStream guarded;
    private byte[] buffer = new byte[8192];
    private int length;
    private boolean overLimit;
    private boolean endReached;
    private IOException sourceFailure;

    HeaderCapture(InputStream source, int limit) {
        super(source);
        this.limit = limit;
        this.guarded = new InputStream() {

            @Override
            public int read() throws IOException {
                try {
                    return ended(source.read());
                } catch (IOException e) {
                    sourceFailure = e;
                    throw new SourceFailed(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return ended(source.read(b, off, len));
                } catch (IOException e) {
                    sourceFailure = e;
                    throw new SourceFailed(e);
                }
            }
        };
    }

    @Override
    public int read() throws IOException {
        int b = guarded.read();
        if (b >= 0) {
            append(new byte[]{(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = guarded.read(b, off, Math.min(len, Math.max(1, limit - length + 1)));
        if (n > 0) {
            append(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public int available() {
        return 0;
    }

    @Override
    public void close() {
        // the source belongs to the caller; parsing must not close it
    }

    private int ended(int read) {
        if (read < 0) {
            endReached = true;
        }
        return read;
    }

    /** The header outgrew the limit (the parser may have wrapped the exception). */
    boolean overLimit() {
        return overLimit;
    }

    /** The source ended while the header was being read. */
    boolean endReached() {
        return endReached;
    }

    /** How the source itself failed, if it did. */
    IOException sourceFailure() {
        return sourceFailure;
    }

    private void append(byte[] b, int off, int n) throws TooLarge {
        if (length + n > limit) {
            overLimit = true;
            throw new TooLarge();
        }
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(buffer.length * 2, length + n)));
        }
        System.arraycopy(b, off, buffer, length, n);
        length += n;
    }

    /** Reads exactly {@code n} bytes (captured), or returns fewer at the end of the source. */
    byte[] readUpTo(int n) throws IOException {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int r = read(out, got, n - got);
            if (r < 0) {
                return Arrays.copyOf(out, got);
            }
            got += r;
        }
        return out;
    }

    byte[] captured() {
        return Arrays.copyOf(buffer, length);
    }

    int length() {
        return length;
    }
}
