package org.imageportal.storage.crypto;

/**
 * A study's data key as stored in the database: encrypted under a master key, bound to its study.
 *
 * @param ciphertext the encrypted Tink streaming-AEAD keyset
 * @param masterKeyId the master key that wrapped it (to find what a rotation must still re-wrap)
 */
public record WrappedStudyKey(byte[] ciphertext, long masterKeyId) {
}
