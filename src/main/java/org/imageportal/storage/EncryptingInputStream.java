package org.imageportal.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * Turns a push-style encrypting stream into a pull-style one: reading from it reads plaintext and returns its
 * ciphertext. Lets the S3 client pull encrypted bytes on its own thread, with no pipe and no extra thread, holding
 * at most about one encryption segment in memory.
 */
final class EncryptingInputStream extends InputStream {

    /** A byte buffer we can read from in place and empty again. */
    private static final class Pending extends ByteArrayOutputStream {

        private int readPosition;

        Pending() {
            super(1 << 20);
        }

        int available() {
            return count - readPosition;
        }

        int drainTo(byte[] b, int off, int len) {
            int n = Math.min(len, available());
            System.arraycopy(buf, readPosition, b, off, n);
            readPosition += n;
            if (readPosition == count) {
                reset();
                readPosition = 0;
            }
            return n;
        }
    }

    private final InputStream plaintext;
    private final Pending pending = new Pending();
    private final OutputStream encrypting;
    private final byte[] chunk = new byte[256 * 1024];
    private long plaintextBytes;
    private boolean finished;

    EncryptingInputStream(InputStream plaintext, Function<OutputStream, OutputStream> encryptor) {
        this.plaintext = plaintext;
        this.encrypting = encryptor.apply(pending);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (pending.available() == 0) {
            if (finished) {
                return -1;
            }
            int n = plaintext.read(chunk);
            if (n < 0) {
                encrypting.close();
                finished = true;
            } else {
                plaintextBytes += n;
                encrypting.write(chunk, 0, n);
            }
        }
        return pending.drainTo(b, off, len);
    }

    long plaintextBytes() {
        return plaintextBytes;
    }
}
