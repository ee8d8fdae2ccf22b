package org.imageportal.storage;

/** The object store failed; the message never holds credentials or object contents. */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
