package org.imageportal.storage.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;

/**
 * The portal's own reader of Tink's streaming format, against Tink's: same plaintext for objects around every segment
 * boundary, no byte that did not authenticate, buffers reused without carrying one object's plaintext into another.
 */
class DecryptingStreamTest {

    private static final int SEGMENT = 1 << 20;
    private static final byte[] AD = "imageportal/object/v1\u0000study\u0000object".getBytes(StandardCharsets.UTF_8);

    private final AesGcmHkdfStreaming aead = newAead();
    private final SegmentBuffers pool = new SegmentBuffers(SEGMENT, 16, 4);
    /** Plaintext bytes in the first segment (the header takes part of it) and in each further one. */
    private final int first = SEGMENT - aead.getHeaderLength() - 16;
    private final int next = SEGMENT - 16;

    private static AesGcmHkdfStreaming newAead() {
        try {
            StreamingAeadConfig.register();
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            return (AesGcmHkdfStreaming) AesGcmHkdfStreaming
                    .create((AesGcmHkdfStreamingKey) handle.getPrimary().getKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] plaintext(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private byte[] encrypt(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = aead.newEncryptingStream(out, AD)) {
            enc.write(data);
        }
        return out.toByteArray();
    }

    private DecryptingStream ours(byte[] ciphertext) {
        return new DecryptingStream(aead, AD, new ByteArrayInputStream(ciphertext), pool);
    }

    @Test
    void readsWhatTinkWritesAroundEverySegmentBoundary() throws Exception {
        int[] sizes = {0, 1, first - 1, first, first + 1, first + next - 1, first + next, first + next + 1,
                first + 2 * next, 3 * 1024 * 1024 + 17};
        for (int size : sizes) {
            byte[] data = plaintext(size);
            byte[] ciphertext = encrypt(data);
            try (InputStream tink = aead.newDecryptingStream(new ByteArrayInputStream(ciphertext), AD)) {
                assertThat(tink.readAllBytes()).as("Tink, %d bytes", size).isEqualTo(data);
            }
            try (DecryptingStream in = ours(ciphertext)) {
                assertThat(in.readAllBytes()).as("readAllBytes, %d bytes", size).isEqualTo(data);
            }
            ByteArrayOutputStream transferred = new ByteArrayOutputStream();
            try (DecryptingStream in = ours(ciphertext)) {
                assertThat(in.started().transferTo(transferred)).isEqualTo(size);
            }
            assertThat(transferred.toByteArray()).as("transferTo, %d bytes", size).isEqualTo(data);
        }
    }

    @Test
    void singleBytesAndSkipsAcrossSegments() throws Exception {
        byte[] data = plaintext(first + next + 1000);
        try (DecryptingStream in = ours(encrypt(data))) {
            assertThat(in.read()).isEqualTo(data[0] & 0xff);
            assertThat(in.skip(first + 10L)).isEqualTo(first + 10L);
            assertThat(in.read()).isEqualTo(data[first + 11] & 0xff);
            assertThat(in.skip(Long.MAX_VALUE)).isEqualTo(data.length - first - 12L);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void anObjectCutAtASegmentBoundaryFails() throws Exception {
        byte[] ciphertext = encrypt(plaintext(first + next + 5));
        for (int cut : new int[]{SEGMENT, 2 * SEGMENT, aead.getHeaderLength(), 10, 0}) {
            byte[] truncated = Arrays.copyOf(ciphertext, cut);
            try (DecryptingStream in = ours(truncated)) {
                assertThatThrownBy(in::readAllBytes).as("cut at %d", cut).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void aTamperedSegmentIsNeverHandedOutAndTheStreamStaysFailed() throws Exception {
        byte[] data = plaintext(first + next + 5);
        byte[] ciphertext = encrypt(data);
        ciphertext[SEGMENT + 100] ^= 0x01; // inside the second segment
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DecryptingStream in = ours(ciphertext);
        assertThatThrownBy(() -> in.transferTo(out)).isInstanceOf(IOException.class);
        // the first segment authenticated and was sent; nothing of the second
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(data, first));
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> in.read(new byte[10], 0, 10)).isInstanceOf(IOException.class);
        in.close();
    }

    @Test
    void anotherObjectsAssociatedDataIsRejected() throws Exception {
        byte[] ciphertext = encrypt(plaintext(1000));
        byte[] other = "imageportal/object/v1\u0000study\u0000another".getBytes(StandardCharsets.UTF_8);
        try (DecryptingStream in = new DecryptingStream(aead, other, new ByteArrayInputStream(ciphertext), pool)) {
            assertThatThrownBy(in::started).isInstanceOf(IOException.class);
        }
    }

    @Test
    void buffersGoBackAtTheEndAndCarryNothingIntoTheNextObject() throws Exception {
        byte[] secret = plaintext(500_000);
        try (DecryptingStream in = ours(encrypt(secret))) {
            assertThat(pool.idle()).isZero();
            assertThat(in.readAllBytes()).isEqualTo(secret);
            // returned at the end of the object, before the caller closes
            assertThat(pool.idle()).isEqualTo(1);
        }
        // the next object reuses that pair: a short one is read whole, a tampered one yields nothing
        byte[] small = plaintext(10);
        try (DecryptingStream in = ours(encrypt(small))) {
            assertThat(in.readAllBytes()).isEqualTo(small);
        }
        byte[] tampered = encrypt(plaintext(300_000));
        tampered[tampered.length - 1] ^= 0x01;
        byte[] into = new byte[600_000];
        try (DecryptingStream in = ours(tampered)) {
            assertThatThrownBy(() -> in.read(into, 0, into.length)).isInstanceOf(IOException.class);
            assertThatThrownBy(in::available).isInstanceOf(IOException.class);
        }
        assertThat(into).containsOnly(0);
        assertThat(pool.idle()).isEqualTo(1);
        DecryptingStream closed = ours(encrypt(small));
        closed.close();
        assertThatThrownBy(closed::read).isInstanceOf(IOException.class);
    }

    @Test
    void thePoolKeepsNoMoreThanItsLimit() throws Exception {
        byte[] ciphertext = encrypt(plaintext(1000));
        DecryptingStream[] open = new DecryptingStream[6];
        for (int i = 0; i < open.length; i++) {
            open[i] = ours(ciphertext).started();
        }
        for (DecryptingStream in : open) {
            in.close();
        }
        assertThat(pool.idle()).isEqualTo(4);
    }
}
