package org.imageportal.storage;

import java.io.InputStream;

/**
 * The port to object storage. Blocking by design: callers run it on worker or virtual threads, never on the
 * event loop and never inside a database transaction. Bytes given to it are already encrypted.
 */
public interface ObjectStore {

    /** Stores a stream of unknown length; returns the number of bytes written. */
    long put(ObjectKey key, InputStream content);

    /** Stores {@code content} in one request of known length. */
    void put(ObjectKey key, byte[] content);

    /** Opens the object for reading; the caller closes the stream. */
    InputStream get(ObjectKey key);

    /** Opens a byte range {@code [offset, offset + length)} of the object. */
    InputStream get(ObjectKey key, long offset, long length);

    boolean exists(ObjectKey key);

    /** Deletes the object; deleting a missing object is not an error. */
    void delete(ObjectKey key);

    /** Throws if the store cannot be reached or the bucket is missing (readiness). */
    void ping();
}
