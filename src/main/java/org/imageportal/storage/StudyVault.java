package org.imageportal.storage;

import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.storage.crypto.EnvelopeCrypto;
import org.imageportal.storage.crypto.EnvelopeCrypto.StudyCipher;
import org.imageportal.storage.crypto.WrappedStudyKey;

/**
 * Images in and out of the object store, encrypted with their study's data key on the way in and authenticated
 * while decrypting on the way out. Blocking: call from worker or virtual threads, outside database transactions.
 */
@ApplicationScoped
public class StudyVault {

    /** Unwrapped study keys kept for a while: ingest and retrieval touch one study's objects many times in a row. */
    private static final int CACHED_KEYS = 64;
    private static final long KEY_TTL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    private record CachedCipher(StudyCipher cipher, long expiresAt) {
    }

    private final ObjectStore store;
    private final EnvelopeCrypto crypto;
    private final java.util.Map<String, CachedCipher> ciphers = new java.util.LinkedHashMap<>(16, 0.75f, true) {

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, CachedCipher> eldest) {
            return size() > CACHED_KEYS;
        }
    };

    StudyVault(ObjectStore store, EnvelopeCrypto crypto) {
        this.store = store;
        this.crypto = crypto;
    }

    /** A new data key for a new study, wrapped by the current master key. */
    public WrappedStudyKey newStudyKey(String studyRef) {
        return crypto.newStudyKey(studyRef);
    }

    /** The same data key wrapped by the current master key (rotation); images are not touched. */
    public WrappedStudyKey rewrap(WrappedStudyKey key, String studyRef) {
        return crypto.rewrap(key, studyRef);
    }

    public long currentMasterKeyId() {
        return crypto.currentMasterKeyId();
    }

    /**
     * Encrypts {@code plaintext} into the object {@code key}; the object's associated data names the study and the
     * object, so it cannot be read under another name. Returns the number of plaintext bytes read. If reading
     * {@code plaintext} fails (including a {@code DicomStreamException} found only at its end), the store
     * fails with the reading exception as the cause, and nothing is left in the store.
     */
    public long put(WrappedStudyKey studyKey, String studyRef, ObjectKey key, InputStream plaintext) {
        StudyCipher cipher = cipher(studyKey, studyRef);
        EncryptingInputStream ciphertext = new EncryptingInputStream(plaintext,
                sink -> cipher.encrypting(sink, key.value()));
        try {
            store.put(key, ciphertext);
            return ciphertext.plaintextBytes();
        } catch (RuntimeException e) {
            // a multipart upload may have completed before the source failed: make sure nothing stays behind
            store.delete(key);
            throw e;
        }
    }

    /** The plaintext of an object; an IOException while reading means it failed authentication or the store. */
    public InputStream open(WrappedStudyKey studyKey, String studyRef, ObjectKey key) {
        return cipher(studyKey, studyRef).decrypting(store.get(key), key.value());
    }

    /** The study's cipher, unwrapping its key only when it was not used in the last minutes. */
    private StudyCipher cipher(WrappedStudyKey studyKey, String studyRef) {
        String id = studyRef + ':' + studyKey.masterKeyId() + ':'
                + java.util.HexFormat.of().formatHex(studyKey.ciphertext());
        long now = System.nanoTime();
        synchronized (ciphers) {
            CachedCipher cached = ciphers.get(id);
            if (cached != null && now - cached.expiresAt() < 0) {
                return cached.cipher();
            }
        }
        StudyCipher cipher = crypto.open(studyKey, studyRef);
        synchronized (ciphers) {
            ciphers.put(id, new CachedCipher(cipher, now + KEY_TTL_NANOS));
        }
        return cipher;
    }

    public void delete(ObjectKey key) {
        store.delete(key);
    }

    public boolean exists(ObjectKey key) {
        return store.exists(key);
    }
}
