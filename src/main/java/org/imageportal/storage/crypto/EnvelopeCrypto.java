package org.imageportal.storage.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;

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
            return new StudyCipher(dataKey.getPrimitive(RegistryConfiguration.get(), StreamingAead.class), studyRef);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the study key cannot be unwrapped", e);
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
                return aead.newDecryptingStream(ciphertext, objectAd(studyRef, objectRef));
            } catch (GeneralSecurityException | IOException e) {
                throw new CryptoException("cannot start decryption", e);
            }
        }
    }
}
