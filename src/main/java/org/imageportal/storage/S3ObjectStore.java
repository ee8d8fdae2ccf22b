package org.imageportal.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * {@link ObjectStore} on any S3-compatible server, every request through {@link S3Http} (blocking HTTP/1.1 on the
 * caller's thread). Every write carries the MD5 of what it sends ({@code Content-MD5}, per part for multipart
 * uploads), which the store checks before it keeps anything: an upload altered on its way is refused at once, not
 * found only when a patient opens the image.
 */
@ApplicationScoped
@Startup
public class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = Logger.getLogger(S3ObjectStore.class);

    /** Multipart part size for streams of unknown length; a stream shorter than one part goes in one request. */
    static final int PART_SIZE = 16 * 1024 * 1024;
    /** The most an answer to a bucket or multipart request may hold (errors, upload ids, completions). */
    private static final int REPLY_LIMIT = 64 * 1024;
    private static final Pattern UPLOAD_ID = Pattern.compile("<UploadId>([^<]{1,1024})</UploadId>");

    private final S3Http http;
    private final String bucket;
    private volatile boolean bucketReady;

    S3ObjectStore(StorageConfig config) {
        this.http = new S3Http(config, 60_000);
        this.bucket = config.bucket();
        try {
            ensureBucket();
        } catch (RuntimeException e) {
            LOG.warnf("object store not reachable at start (%s); readiness stays down until it is",
                    e.getClass().getSimpleName());
        }
    }

    private void ensureBucket() {
        if (bucketReady) {
            return;
        }
        try {
            S3Http.Reply head = http.call("HEAD", bucket, null, List.of(), List.of(), null, 0);
            if (head.status() == 404) {
                S3Http.Reply made = http.call("PUT", bucket, null, List.of(), List.of(), null, REPLY_LIMIT);
                if (!made.ok() && !"BucketAlreadyOwnedByYou".equals(made.code())) {
                    throw new StorageException("bucket check failed: " + describe(made), null);
                }
                LOG.infof("created bucket %s", bucket);
            } else if (!head.ok()) {
                throw new StorageException("bucket check failed: " + describe(head), null);
            }
            bucketReady = true;
        } catch (IOException e) {
            throw new StorageException("bucket check failed", e);
        }
    }

    @Override
    public long put(ObjectKey key, InputStream content) {
        ensureBucket();
        try (CountingInputStream counting = new CountingInputStream(content)) {
            byte[] first = counting.readNBytes(PART_SIZE);
            if (first.length < PART_SIZE) {
                http.put(bucket, key, first);
            } else {
                multipart(key, first, counting);
            }
            return counting.count();
        } catch (IOException e) {
            throw new StorageException("put failed", e);
        }
    }

    /** A multipart upload, part by part with each part's MD5; aborted (nothing kept) on any failure. */
    private void multipart(ObjectKey key, byte[] first, InputStream rest) throws IOException {
        S3Http.Reply created = http.call("POST", bucket, key, List.<String[]>of(new String[]{"uploads", ""}),
                List.of(), null, REPLY_LIMIT);
        Matcher id = UPLOAD_ID.matcher(new String(created.body(), StandardCharsets.UTF_8));
        if (!created.ok() || !id.find()) {
            throw new IOException("multipart upload not started: " + describe(created));
        }
        String uploadId = id.group(1);
        boolean completed = false;
        try {
            StringBuilder parts = new StringBuilder("<CompleteMultipartUpload>");
            byte[] part = first;
            for (int number = 1; part.length > 0; number++) {
                if (number > 10_000) {
                    throw new IOException("more than 10,000 parts");
                }
                S3Http.Reply sent = http.call("PUT", bucket, key, List.of(new String[]{"partNumber",
                        Integer.toString(number)}, new String[]{"uploadId", uploadId}), List.of(), part, REPLY_LIMIT);
                if (!sent.ok() || sent.etag() == null) {
                    throw new IOException("part " + number + " refused: " + describe(sent));
                }
                parts.append("<Part><PartNumber>").append(number).append("</PartNumber><ETag>")
                        .append(xml(sent.etag())).append("</ETag></Part>");
                part = rest.readNBytes(PART_SIZE);
            }
            byte[] manifest = parts.append("</CompleteMultipartUpload>").toString()
                    .getBytes(StandardCharsets.UTF_8);
            S3Http.Reply done = http.call("POST", bucket, key, List.<String[]>of(new String[]{"uploadId", uploadId}),
                    List.of(), manifest, REPLY_LIMIT);
            // a completion can fail after its 200 has been sent: the error is then in the body
            if (!done.ok() || new String(done.body(), StandardCharsets.UTF_8).contains("<Error>")) {
                throw new IOException("multipart upload not completed: " + describe(done));
            }
            completed = true;
        } finally {
            if (!completed) {
                abort(key, uploadId);
            }
        }
    }

    private void abort(ObjectKey key, String uploadId) {
        try {
            http.call("DELETE", bucket, key, List.<String[]>of(new String[]{"uploadId", uploadId}), List.of(), null,
                    REPLY_LIMIT);
        } catch (IOException | RuntimeException e) {
            // the store drops abandoned uploads by its own lifecycle rules; the write has failed either way
            LOG.warnf("a failed multipart upload could not be aborted (%s)", e.getClass().getSimpleName());
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String describe(S3Http.Reply reply) {
        return reply.status() + (reply.code() == null ? "" : " " + reply.code());
    }

    @Override
    public void put(ObjectKey key, byte[] content) {
        ensureBucket();
        try {
            http.put(bucket, key, content);
        } catch (IOException e) {
            throw new StorageException("put failed", e);
        }
    }

    @Override
    public InputStream get(ObjectKey key) {
        return read("get failed", key, null);
    }

    @Override
    public InputStream get(ObjectKey key, long offset, long length) {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("a range starts at 0 or later and holds at least one byte");
        }
        return read("ranged get failed", key, "bytes=" + offset + "-" + (offset + length - 1));
    }

    /**
     * Opens an object. A read that fails on a kept connection the store had already closed is sent again on a new
     * one by {@link S3Http}; an answer from the store (no such key, denied) is not retried.
     */
    private InputStream read(String failure, ObjectKey key, String range) {
        try {
            return http.open(bucket, key, range);
        } catch (IOException e) {
            throw new StorageException(failure, e);
        }
    }

    @jakarta.annotation.PreDestroy
    void close() {
        http.close();
    }

    @Override
    public boolean exists(ObjectKey key) {
        try {
            S3Http.Reply head = http.call("HEAD", bucket, key, List.of(), List.of(), null, 0);
            if (head.status() == 404) {
                return false;
            }
            if (!head.ok()) {
                throw new StorageException("stat failed: " + describe(head), null);
            }
            return true;
        } catch (IOException e) {
            throw new StorageException("stat failed", e);
        }
    }

    @Override
    public void delete(ObjectKey key) {
        try {
            S3Http.Reply deleted = http.call("DELETE", bucket, key, List.of(), List.of(), null, REPLY_LIMIT);
            if (!deleted.ok() && deleted.status() != 404) {
                throw new StorageException("delete failed: " + describe(deleted), null);
            }
        } catch (IOException e) {
            throw new StorageException("delete failed", e);
        }
    }

    @Override
    public void ping() {
        bucketReady = false;
        ensureBucket();
    }
}
