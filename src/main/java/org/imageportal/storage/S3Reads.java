package org.imageportal.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import okhttp3.HttpUrl;

/**
 * Object reads (GET) on Vert.x's HTTP client, signed with AWS Signature V4 in headers (never in the URL). Images
 * leave the portal at the speed of these reads: the MinIO client reads through OkHttp in 8 KiB steps and hands each
 * call through its dispatcher and connection-pool locks, which cost the portal a third of its time while serving a
 * study. Here the event loop reads the socket in large buffers and queues them for the (blocking) reader, pausing
 * the connection when {@value #HIGH_WATER} bytes wait, so memory stays flat whatever the object's size.
 */
final class S3Reads implements AutoCloseable {

    static final int HIGH_WATER = 1 << 20;
    private static final int LOW_WATER = HIGH_WATER / 4;

    private final Vertx vertx;
    private final HttpClient http;
    private final HttpUrl endpoint;
    private final boolean tls;
    private final String hostHeader;
    private final SigV4 signer;
    private final long timeoutMillis;

    S3Reads(Vertx vertx, StorageConfig config, long timeoutMillis) {
        this.vertx = vertx;
        this.signer = new SigV4(config.accessKey(), config.secretKey(), config.region());
        this.timeoutMillis = timeoutMillis;
        this.endpoint = HttpUrl.get(config.endpoint());
        this.tls = endpoint.isHttps();
        URI uri = endpoint.uri();
        this.hostHeader = uri.getPort() < 0 || uri.getPort() == HttpUrl.defaultPort(endpoint.scheme())
                ? endpoint.host()
                : endpoint.host() + ":" + endpoint.port();
        // idle pooled connections are dropped before S3 servers typically drop them (MinIO, Jetty: 30 s and more)
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(10)
                .setConnectTimeout((int) Math.min(timeoutMillis, 3_000)).setSsl(tls).setVerifyHost(true)
                .setTryUseCompression(false).setReceiveBufferSize(256 * 1024),
                new PoolOptions().setHttp1MaxSize(16));
    }

    /** Opens {@code key} ({@code range} null for all of it, else e.g. "bytes=0-99"); blocks until the head arrives. */
    InputStream open(String bucket, ObjectKey key, String range) throws IOException {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("object reads block: not on an event loop");
        }
        HttpUrl url = endpoint.newBuilder().addPathSegment(bucket).addPathSegments(key.value()).build();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(endpoint.host())
                .setPort(endpoint.port()).setSsl(tls).setURI(url.encodedPath());
        // Vert.x sends the Host header itself, from the same host and port (the default port left out, as signed)
        for (SigV4.Header header : signer.get(hostHeader, url.encodedPath(), range, Instant.now())) {
            options.addHeader(header.name(), header.value());
        }
        Body body = new Body();
        // everything about one request runs on one context, so the response's handlers are in place before any of
        // its body is delivered (a listener on another context would run later: a small body could be over by then)
        Context context = vertx.getOrCreateContext();
        Promise<Body> answered = Promise.promise();
        context.runOnContext(v -> http.request(options).onComplete(created -> {
            if (created.failed()) {
                answered.tryFail(created.cause());
                return;
            }
            HttpClientRequest request = created.result();
            body.request = request;
            request.response().onComplete(response -> {
                if (response.failed()) {
                    answered.tryFail(response.cause());
                } else {
                    body.attach(response.result()).onComplete(answered);
                }
            });
            request.end();
        }));
        Future<Body> opened = answered.future();
        try {
            return opened.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreAnswer answer) {
                throw answer;
            }
            throw new IOException("object read failed: " + e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (TimeoutException e) {
            opened.onSuccess(Body::close); // should the head come after all, the connection is closed
            throw new IOException("the object store did not answer within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opened.onSuccess(Body::close);
            throw new InterruptedIOException("interrupted while opening an object");
        }
    }

    @Override
    public void close() {
        http.close();
    }

    /** An answer from the store other than the object (no such key, denied): not a connection failure. */
    static final class StoreAnswer extends IOException {

        private static final long serialVersionUID = 1L;
        final int status;

        StoreAnswer(int status, String code) {
            super("object store answered " + status + (code == null ? "" : " " + code));
            this.status = status;
        }
    }

    /**
     * The body of one response: filled on the event loop, read on a blocking thread. The connection is paused while
     * {@value #HIGH_WATER} bytes are queued and resumed when the reader has taken all but {@code LOW_WATER}.
     */
    private final class Body extends InputStream {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
        private HttpClientRequest request;
        private HttpClientResponse response;
        private Context context;
        private Buffer current;
        private int position;
        private long queued;
        private boolean paused;
        private boolean ended;
        private boolean closed;
        private Throwable failure;

        Future<Body> attach(HttpClientResponse response) {
            int status = response.statusCode();
            if (status != 200 && status != 206) {
                return response.body().transform(body -> {
                    String text = body.succeeded() ? body.result().toString() : "";
                    java.util.regex.Matcher code = java.util.regex.Pattern.compile("<Code>([A-Za-z]{1,64})</Code>")
                            .matcher(text);
                    return Future.failedFuture(new StoreAnswer(status, code.find() ? code.group(1) : null));
                });
            }
            this.response = response;
            this.context = Vertx.currentContext();
            response.handler(this::arrived);
            response.endHandler(v -> signal(() -> ended = true));
            response.exceptionHandler(e -> signal(() -> failure = e));
            return Future.succeededFuture(this);
        }

        /** On the event loop. */
        private void arrived(Buffer buffer) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                queue.add(buffer);
                queued += buffer.length();
                if (queued >= HIGH_WATER && !paused) {
                    paused = true;
                    response.pause();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void signal(Runnable change) {
            lock.lock();
            try {
                change.run();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, into.length);
            if (length == 0) {
                return 0;
            }
            if (current == null || position == current.length()) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(length, current.length() - position);
            current.getBytes(position, position + n, into, offset);
            position += n;
            return n;
        }

        /** Takes the next buffer, waiting at most the timeout for one; false at the end of the body. */
        private boolean next() throws IOException {
            lock.lock();
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                while (queue.isEmpty()) {
                    if (closed) {
                        throw new IOException("stream closed");
                    }
                    if (failure != null) {
                        throw new IOException("object read failed: " + failure.getClass().getSimpleName(), failure);
                    }
                    if (ended) {
                        return false;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new java.net.SocketTimeoutException(
                                "no data from the object store for " + timeoutMillis + " ms");
                    }
                    try {
                        changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading an object");
                    }
                }
                current = queue.poll();
                position = 0;
                queued -= current.length();
                if (paused && queued <= LOW_WATER) {
                    paused = false;
                    context.runOnContext(v -> response.resume());
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            boolean abandon;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                abandon = !ended && failure == null;
                queue.clear();
                current = null;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (abandon && request != null) {
                // the rest of the body is not wanted: the connection cannot be reused, so it is closed
                HttpClientRequest toReset = request;
                if (context != null) {
                    context.runOnContext(v -> toReset.reset());
                } else {
                    toReset.reset();
                }
            }
        }
    }
}
