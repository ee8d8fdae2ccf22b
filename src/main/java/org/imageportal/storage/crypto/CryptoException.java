package org.imageportal.storage.crypto;

/** A key or ciphertext failed: wrong key, tampered or swapped object, destroyed data key. */
public class CryptoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
