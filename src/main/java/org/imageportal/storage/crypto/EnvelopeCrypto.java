package org.imageportal.storage.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;

/**
 * Envelope encryption of images: one data key per study (Tink streaming AEAD, AES256_GCM_HKDF_1MB: 1 MiB
 * segments, each with its own nonce and tag, so streams of any size stay in flat memory and ranges can be
 * decrypted), wrapped by the master key. Associated data binds each object to its study and instance, and each
 * wrapped key to its study, so nothing can be swapped or replayed under another name.
 */
public final class EnvelopeCrypto {

    static {
        try {
            StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MasterKeys masterKeys;

    public EnvelopeCrypto(MasterKeys masterKeys) {
        this.masterKeys = masterKeys;
    }

    /** A fresh data key for a new study, wrapped. */
    public WrappedStudyKey newStudyKey(String studyRef) {
        try {
            KeysetHandle dataKey = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            return wrap(dataKey, studyRef);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot create a study key", e);
        }
    }

    /** The study's data key, unwrapped, ready to encrypt or decrypt its objects. */
    public StudyCipher open(WrappedStudyKey wrapped, String studyRef) {
        try {
            KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.ciphertext(),
                    masterKeys.aead(), keyAd(studyRef));
            return new StudyCipher(primitive(dataKey), studyRef);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the study key cannot be unwrapped", e);
        }
    }

    /**
     * The streaming AEAD of a study's single data key. Tink's keyset-level wrapper would try every key of a keyset
     * and, to rewind between tries, buffers each object through a growing BufferedInputStream; a study key is a
     * keyset of exactly one key, so the key's own primitive does the same work without that copy.
     */
    private static StreamingAead primitive(KeysetHandle dataKey) throws GeneralSecurityException {
        if (dataKey.size() == 1 && dataKey.getPrimary().getKey() instanceof AesGcmHkdfStreamingKey key) {
            return AesGcmHkdfStreaming.create(key);
        }
        return dataKey.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
    }

    /**
     * Runs AES-GCM often enough for the JIT to compile the JDK's cipher code with its CPU intrinsics. Images are
     * encrypted in few, large calls (one per 1 MiB segment), which alone take a thousand objects to get there;
     * until then a cold portal decrypts at about a twentieth of its warm speed (measured: 40 vs 800 MB/s per core).
     * Plain JCE on a zero key and throwaway buffers: nothing secret is involved. Takes about a second.
     */
    public static void warmUp(int rounds) {
        try {
            SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
            ByteBuffer plain = ByteBuffer.allocate(16 * 1024);
            ByteBuffer sealed = ByteBuffer.allocate(plain.capacity() + 16);
            ByteBuffer opened = ByteBuffer.allocate(plain.capacity() + 16);
            byte[] nonce = new byte[12];
            for (int i = 0; i < rounds; i++) {
                ByteBuffer.wrap(nonce).putInt(i);
                Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding");
                encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                plain.clear();
                sealed.clear();
                encrypt.doFinal(plain, sealed);
                sealed.flip();
                Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
                decrypt.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                opened.clear();
                decrypt.doFinal(sealed, opened);
            }
        } catch (GeneralSecurityException e) {
            throw new CryptoException("AES-GCM is not available", e);
        }
    }

    /** Re-encrypts the data key under the current master key; the images themselves are untouched. */
    public WrappedStudyKey rewrap(WrappedStudyKey wrapped, String studyRef) {
        try {
            KeysetHandle dataKey = TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped.ciphertext(),
                    masterKeys.aead(), keyAd(studyRef));
            return wrap(dataKey, studyRef);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the study key cannot be re-wrapped", e);
        }
    }

    public long currentMasterKeyId() {
        return masterKeys.currentKeyId();
    }

    private WrappedStudyKey wrap(KeysetHandle dataKey, String studyRef) throws GeneralSecurityException {
        byte[] ciphertext = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, masterKeys.aead(),
                keyAd(studyRef));
        return new WrappedStudyKey(ciphertext, masterKeys.currentKeyId());
    }

    static byte[] keyAd(String studyRef) {
        return ("imageportal/study-key/v1\u0000" + studyRef).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] objectAd(String studyRef, String objectRef) {
        return ("imageportal/object/v1\u0000" + studyRef + "\u0000" + objectRef).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts and decrypts the objects of one study. */
    public static final class StudyCipher {

        private final StreamingAead aead;
        private final String studyRef;

        StudyCipher(StreamingAead aead, String studyRef) {
            this.aead = aead;
            this.studyRef = studyRef;
        }

        /** Wraps {@code ciphertext}: what is written to the returned stream arrives there encrypted. */
        public OutputStream encrypting(OutputStream ciphertext, String objectRef) {
            try {
                return aead.newEncryptingStream(ciphertext, objectAd(studyRef, objectRef));
            } catch (GeneralSecurityException | IOException e) {
                throw new CryptoException("cannot start encryption", e);
            }
        }

        /**
         * Plaintext of {@code ciphertext}. A tampered, truncated or swapped object fails with an IOException
         * while reading; no unauthenticated byte is ever returned.
         */
        public InputStream decrypting(InputStream ciphertext, String objectRef) {
            try {
                if (aead instanceof AesGcmHkdfStreaming streaming
                        && streaming.getCiphertextSegmentSize() == SEGMENT_BUFFERS_SIZE) {
                    return new DecryptingStream(streaming, objectAd(studyRef, objectRef), ciphertext, SEGMENT_BUFFERS);
                }
                return aead.newDecryptingStream(ciphertext, objectAd(studyRef, objectRef));
            } catch (GeneralSecurityException | IOException e) {
                throw new CryptoException("cannot start decryption", e);
            }
        }

        /**
         * A small value in the same format as {@link #encrypting} makes (header, then one final segment), made in
         * one call: a stream would allocate a whole 1 MiB segment buffer each way for a few kilobytes.
         */
        public byte[] seal(byte[] plaintext, String objectRef) {
            try {
                if (aead instanceof AesGcmHkdfStreaming streaming
                        && plaintext.length <= streaming.getPlaintextSegmentSize() - streaming.getCiphertextOffset()) {
                    StreamSegmentEncrypter encrypter = streaming
                            .newStreamSegmentEncrypter(objectAd(studyRef, objectRef));
                    ByteBuffer header = encrypter.getHeader();
                    ByteBuffer out = ByteBuffer.allocate(header.remaining() + plaintext.length + TAG_BYTES);
                    out.put(header);
                    encrypter.encryptSegment(ByteBuffer.wrap(plaintext), true, out);
                    return out.array();
                }
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plaintext.length + 64);
                try (OutputStream encrypting = encrypting(out, objectRef)) {
                    encrypting.write(plaintext);
                }
                return out.toByteArray();
            } catch (GeneralSecurityException | IOException e) {
                throw new CryptoException("cannot encrypt a value", e);
            }
        }

        /** The plaintext of {@link #seal} (or of any small object); an IOException if it fails authentication. */
        public byte[] open(byte[] ciphertext, String objectRef) throws IOException {
            if (aead instanceof AesGcmHkdfStreaming streaming && streaming.getFirstSegmentOffset() == 0
                    && ciphertext.length >= streaming.getHeaderLength() + TAG_BYTES
                    && ciphertext.length <= streaming.getCiphertextSegmentSize()) {
                try {
                    StreamSegmentDecrypter decrypter = streaming.newStreamSegmentDecrypter();
                    decrypter.init(ByteBuffer.wrap(ciphertext, 0, streaming.getHeaderLength()),
                            objectAd(studyRef, objectRef));
                    int header = streaming.getHeaderLength();
                    ByteBuffer plaintext = ByteBuffer.allocate(ciphertext.length - header - TAG_BYTES);
                    decrypter.decryptSegment(ByteBuffer.wrap(ciphertext, header, ciphertext.length - header), 0, true,
                            plaintext);
                    return plaintext.array();
                } catch (GeneralSecurityException | RuntimeException e) {
                    throw new IOException("the value failed authentication", e);
                }
            }
            try (InputStream in = decrypting(new java.io.ByteArrayInputStream(ciphertext), objectRef)) {
                return in.readAllBytes();
            }
        }
    }

    /** The GCM tag closing each segment. */
    private static final int TAG_BYTES = 16;
    /** The ciphertext segment size of {@code AES256_GCM_HKDF_1MB}, every study key's parameters. */
    private static final int SEGMENT_BUFFERS_SIZE = 1 << 20;
    /** Buffers for about three downloads at once (one image being sent and two decrypted ahead each): 16 MiB. */
    private static final SegmentBuffers SEGMENT_BUFFERS = new SegmentBuffers(SEGMENT_BUFFERS_SIZE, TAG_BYTES, 8);
}
