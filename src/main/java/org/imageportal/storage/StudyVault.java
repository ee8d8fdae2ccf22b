package org.imageportal.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.imageportal.storage.crypto.EnvelopeCrypto;
import org.imageportal.storage.crypto.EnvelopeCrypto.StudyCipher;
import org.imageportal.storage.crypto.WrappedStudyKey;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Images in and out of the object store, encrypted with their study's data key on the way in and authenticated
 * while decrypting on the way out. Blocking: call from worker or virtual threads, outside database transactions.
 */
@ApplicationScoped
public class StudyVault {

    private static final Logger LOG = Logger.getLogger(StudyVault.class);

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

    private final int warmUpRounds;

    StudyVault(ObjectStore store, EnvelopeCrypto crypto, CryptoConfig config) {
        this.store = store;
        this.crypto = crypto;
        this.warmUpRounds = config.warmUpRounds();
    }

    /** Compiles the cipher code before the first study arrives (see {@link EnvelopeCrypto#warmUp}). */
    void warmUp(@Observes StartupEvent started) {
        long start = System.nanoTime();
        EnvelopeCrypto.warmUp(warmUpRounds);
        LOG.debugf("cipher warm-up: %d rounds in %d ms", warmUpRounds, (System.nanoTime() - start) / 1_000_000);
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
     * Ciphertext of one object, made on the caller's thread: small objects whole in memory, ready for one PUT that
     * can overlap the caller's next work; larger ones as a stream that must be stored right away.
     */
    public sealed interface Sealed {

        /** Number of plaintext bytes read (for a streaming one: known after {@link #store}). */
        long plaintextBytes();
    }

    /** A whole small object's ciphertext. */
    public record InMemory(ObjectKey key, byte[] ciphertext, long plaintextBytes) implements Sealed {
    }

    /** A large object: what was encrypted so far, and the rest still to be read while it is stored. */
    public static final class Streaming implements Sealed {

        private final ObjectKey key;
        private final byte[] head;
        private final EncryptingInputStream rest;

        Streaming(ObjectKey key, byte[] head, EncryptingInputStream rest) {
            this.key = key;
            this.head = head;
            this.rest = rest;
        }

        @Override
        public long plaintextBytes() {
            return rest.plaintextBytes();
        }
    }

    /**
     * Objects up to this size are encrypted completely on the caller's thread and stored in one request of known
     * length: encryption stays on the caller's thread, never queued on a store client's threads, and a whole
     * small object can be stored while the caller goes on. Larger objects (rare: big multi-frame images) stream.
     */
    static final int IN_MEMORY_LIMIT = 8 << 20;

    /**
     * Encrypts {@code plaintext} for the object {@code key}; the object's associated data names the study and the
     * object, so it cannot be read under another name. Reads the whole plaintext when its ciphertext fits in
     * {@link #IN_MEMORY_LIMIT}; a reading failure (including a {@code DicomStreamException}) is thrown here, before
     * anything reaches the store.
     */
    public Sealed seal(WrappedStudyKey studyKey, String studyRef, ObjectKey key, InputStream plaintext)
            throws IOException {
        StudyCipher cipher = cipher(studyKey, studyRef);
        EncryptingInputStream ciphertext = new EncryptingInputStream(plaintext,
                sink -> cipher.encrypting(sink, key.value()));
        byte[] head = ciphertext.readNBytes(IN_MEMORY_LIMIT);
        return head.length < IN_MEMORY_LIMIT
                ? new InMemory(key, head, ciphertext.plaintextBytes())
                : new Streaming(key, head, ciphertext);
    }

    /** Stores what {@link #seal} made; on failure nothing is left in the store. */
    public void store(Sealed sealed) {
        ObjectKey key = switch (sealed) {
            case InMemory m -> m.key();
            case Streaming s -> s.key;
        };
        try {
            switch (sealed) {
                case InMemory m -> store.put(m.key(), m.ciphertext());
                case Streaming s -> store.put(s.key, new SequenceInputStream(new ByteArrayInputStream(s.head), s.rest));
            }
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

    /**
     * A small value that belongs to the object {@code key} (e.g. its metadata), encrypted with the study's key for
     * keeping elsewhere (the index); its associated data names the study, the object and {@code purpose}.
     */
    public byte[] sealValue(WrappedStudyKey studyKey, String studyRef, ObjectKey key, String purpose,
            byte[] plaintext) {
        return cipher(studyKey, studyRef).seal(plaintext, valueRef(key, purpose));
    }

    /** The plaintext of {@link #sealValue}; an IOException if it fails authentication (or belongs elsewhere). */
    public byte[] openValue(WrappedStudyKey studyKey, String studyRef, ObjectKey key, String purpose,
            byte[] ciphertext) throws IOException {
        return cipher(studyKey, studyRef).open(ciphertext, valueRef(key, purpose));
    }

    private static String valueRef(ObjectKey key, String purpose) {
        return key.value() + '#' + purpose;
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
