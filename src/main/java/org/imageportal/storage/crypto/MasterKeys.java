package org.imageportal.storage.crypto;

import com.google.crypto.tink.Aead;

/**
 * The port to the key-encryption keys that wrap every study's data key. They are never stored in the database or
 * the bucket: locally a keyset file outside both (mode 0600), in production a secret or a KMS.
 */
public interface MasterKeys {

    /** Encrypts with the current (primary) master key; decrypts with any master key still in the ring. */
    Aead aead();

    /** Id of the master key that new wraps use. */
    long currentKeyId();
}
