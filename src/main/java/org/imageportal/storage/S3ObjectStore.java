package org.imageportal.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.runtime.Startup;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * {@link ObjectStore} on any S3-compatible server: streamed (multipart) writes, checks and deletes through the MinIO
 * Java client; reads, the path every image leaves by, and whole-object writes through {@link S3Http} (blocking
 * HTTP/1.1 on the caller's thread).
 */
@ApplicationScoped
@Startup
public class S3ObjectStore implements ObjectStore {

    private static final Logger LOG = Logger.getLogger(S3ObjectStore.class);

    /** Multipart part size for streams of unknown length. */
    static final long PART_SIZE = 16L * 1024 * 1024;

    private final OkHttpClient okHttp;
    private final MinioClient client;
    private final S3Http http;
    private final String bucket;
    private volatile boolean bucketReady;

    S3ObjectStore(StorageConfig config) {
        // idle connections are dropped before S3 servers typically drop them (MinIO, Jetty: 30 s and more)
        okHttp = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(16, 10, TimeUnit.SECONDS))
                .connectTimeout(3, TimeUnit.SECONDS)
                .readTimeout(60, TimeUnit.SECONDS)
                .writeTimeout(60, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false)
                .build();
        this.client = MinioClient.builder().endpoint(config.endpoint()).region(config.region())
                .credentials(config.accessKey(), config.secretKey()).httpClient(okHttp).build();
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
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                LOG.infof("created bucket %s", bucket);
            }
            bucketReady = true;
        } catch (Exception e) {
            throw new StorageException("bucket check failed", e);
        }
    }

    @Override
    public long put(ObjectKey key, InputStream content) {
        ensureBucket();
        try (CountingInputStream counting = new CountingInputStream(content)) {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key.value())
                    .stream(counting, -1, PART_SIZE).contentType("application/octet-stream").build());
            return counting.count();
        } catch (Exception e) {
            throw new StorageException("put failed", e);
        }
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
            idempotent(() -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key.value()).build()));
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return false;
            }
            throw new StorageException("stat failed", e);
        } catch (Exception e) {
            throw new StorageException("stat failed", e);
        }
    }

    @Override
    public void delete(ObjectKey key) {
        try {
            idempotent(() -> {
                client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key.value()).build());
                return null;
            });
        } catch (Exception e) {
            throw new StorageException("delete failed", e);
        }
    }

    private interface StoreCall {

        Object call() throws Exception;
    }

    /**
     * Runs a request that may safely be repeated; one that fails on the connection itself (a pooled keep-alive
     * connection the store had already closed: "unexpected end of stream") is tried once more after the idle pooled
     * connections (likely closed the same way) are dropped, so on a new connection.
     */
    private void idempotent(StoreCall call) throws Exception {
        try {
            call.call();
        } catch (IOException first) {
            okHttp.connectionPool().evictAll();
            try {
                call.call();
            } catch (Exception e) {
                e.addSuppressed(first);
                throw e;
            }
        }
    }

    @Override
    public void ping() {
        bucketReady = false;
        ensureBucket();
    }
}
