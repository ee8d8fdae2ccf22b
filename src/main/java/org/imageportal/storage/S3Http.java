package org.imageportal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.vertx.core.Context;

/**
 * Requests to the object store over plain blocking HTTP/1.1 connections on the caller's thread (a virtual or worker
 * thread, never an event loop): object reads (GET), the path every image leaves by, whole-object writes (PUT) and
 * every other request (bucket checks, multipart uploads, deletes), signed with AWS Signature V4 in headers (never in
 * the URL). A body is read from the socket straight into the
 * caller's buffer (the segment buffer of the decrypting stream): no event-loop hop, no intermediate buffer, no queue
 * between threads, which on a 2-core machine cost about a third of the portal's CPU while it served a study through
 * Vert.x's client (a general client reading through OkHttp goes in 8 KiB steps). Memory is the caller's
 * buffer and 8 KiB per connection whatever the object's size. An https endpoint must present a certificate for its
 * host name.
 * <p>
 * Keep-alive connections are reused, the most recent first, until {@value #IDLE_MILLIS} ms idle (before S3 servers
 * drop them: MinIO, Jetty 30 s and more); a reused connection that the store had closed all the same is found when
 * the request fails before the response's head, and the request is then sent once more on a new connection.
 */
final class S3Http implements AutoCloseable {

    private static final long IDLE_MILLIS = 10_000;
    private static final int MAX_IDLE = 16;
    private static final int HEAD_LIMIT = 64 * 1024;
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([A-Za-z]{1,64})</Code>");

    private final String host;
    private final int port;
    /** The endpoint's own path, if any, without a trailing slash. */
    private final String basePath;
    private final boolean tls;
    private final String hostHeader;
    private final SigV4 signer;
    private final int timeoutMillis;
    /** For an https endpoint; null: the JVM's default context (its trust store). */
    private final SSLContext tlsContext;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    S3Http(StorageConfig config, int timeoutMillis) {
        this(config, timeoutMillis, null);
    }

    S3Http(StorageConfig config, int timeoutMillis, SSLContext tlsContext) {
        this(config.endpoint(), config.region(), config.accessKey(), config.secretKey(), timeoutMillis, tlsContext);
    }

    S3Http(String endpointUrl, String region, String accessKey, String secretKey, int timeoutMillis,
            SSLContext tlsContext) {
        this.timeoutMillis = timeoutMillis;
        this.tlsContext = tlsContext;
        URI uri = URI.create(endpointUrl);
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("the object store's endpoint must be an http or https URL");
        }
        this.tls = "https".equals(uri.getScheme());
        int defaultPort = tls ? 443 : 80;
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.hostHeader = port == defaultPort ? host : host + ":" + port;
        this.signer = new SigV4(accessKey, secretKey, region);
    }

    /** Opens {@code key} ({@code range} null for all of it, else e.g. "bytes=0-99"); blocks until the head arrives. */
    InputStream open(String bucket, ObjectKey key, String range) throws IOException {
        String path = pathOf(bucket, key);
        Exchange exchange = exchange(request("GET", path, signer.get(hostHeader, path, range, Instant.now()), -1),
                null);
        Head head = exchange.head();
        if (head.status() != 200 && head.status() != 206) {
            throw answer(exchange.connection(), head);
        }
        if (head.contentLength() < 0) {
            exchange.connection().close();
            throw new IOException("the object store answered without a Content-Length");
        }
        return new Body(exchange.connection(), head.contentLength(), head.keepAlive());
    }

    /**
     * Stores {@code content} under {@code key} in one request, its payload not hashed into the signature but carrying
     * its CRC-32C as {@code x-amz-checksum-crc32c} (signed), which the store checks before it keeps anything: an
     * upload altered on its way is refused at once (400 BadDigest), not found only when a patient opens the image.
     * CRC-32C runs at memory speed (one instruction per 8 bytes); SHA-256 of the payload in the signature, or MD5 as
     * {@code Content-MD5}, cost 1-2 ms of CPU per 512x512 CT image, a third of all the portal spent on it. AWS S3,
     * MinIO and S3Proxy check the header; the ciphertext's own tags are checked on every read whatever the store. PUT
     * is idempotent: a reused connection that had been closed is retried on a new one.
     */
    void put(String bucket, ObjectKey key, byte[] content) throws IOException {
        String path = pathOf(bucket, key);
        java.util.List<SigV4.Header> headers = signer.sign("PUT", hostHeader, path, "",
                java.util.List.of(new SigV4.Header("x-amz-checksum-crc32c", crc32c(content))), SigV4.UNSIGNED_PAYLOAD,
                Instant.now());
        Exchange exchange = exchange(request("PUT", path, headers, content.length), content);
        Head head = exchange.head();
        if (head.status() != 200) {
            throw answer(exchange.connection(), head);
        }
        smallBody(exchange.connection(), head); // stored: a failure now only loses the rest of the answer
    }

    /** A whole answer: its status, the store's error code if any, the version it names and its body. */
    record Reply(int status, String code, String versionId, String etag, byte[] body) {

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * Any other request on {@code bucket} (or an object in it when {@code key} is not null), with {@code query}
     * (sent in the order given: sorted by name, both parts URI-encoded), extra signed {@code headers} and a small
     * {@code body} (null: none; sent with its {@code Content-MD5}); the answer's body is read whole, up to
     * {@code bodyLimit} bytes. Every answer is returned, an error too; only a failed connection throws.
     */
    Reply call(String method, String bucket, ObjectKey key, java.util.List<String[]> query,
            java.util.List<SigV4.Header> headers, byte[] body, int bodyLimit) throws IOException {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("object store requests block: not on an event loop");
        }
        String path = key == null ? basePath + "/" + uriEncode(bucket) : pathOf(bucket, key);
        StringBuilder canonicalQuery = new StringBuilder();
        for (String[] parameter : query) {
            canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&").append(uriEncode(parameter[0])).append('=')
                    .append(uriEncode(parameter[1]));
        }
        java.util.List<SigV4.Header> extra = new java.util.ArrayList<>(headers);
        if (body != null) {
            extra.add(new SigV4.Header("Content-MD5", md5(body)));
        }
        java.util.List<SigV4.Header> signed = signer.sign(method, hostHeader, path, canonicalQuery.toString(), extra,
                body == null ? SigV4.EMPTY_SHA256 : SigV4.UNSIGNED_PAYLOAD, Instant.now());
        String target = canonicalQuery.isEmpty() ? path : path + "?" + canonicalQuery;
        Exchange exchange = exchange(request(method, target, signed, body == null ? 0 : body.length), body);
        Head head = exchange.head();
        if ("HEAD".equals(method)) {
            if (head.keepAlive() && head.contentLength() >= 0) {
                release(exchange.connection());
            } else {
                exchange.connection().close();
            }
            return new Reply(head.status(), null, head.versionId(), head.etag(), new byte[0]);
        }
        byte[] answer = wholeBody(exchange.connection(), head, bodyLimit);
        String code = null;
        if (head.status() / 100 != 2) {
            Matcher m = ERROR_CODE.matcher(new String(answer, StandardCharsets.UTF_8));
            code = m.find() ? m.group(1) : null;
        }
        return new Reply(head.status(), code, head.versionId(), head.etag(), answer);
    }

    /** The body of an answer of known length or in chunks, up to {@code limit} bytes; the connection is kept. */
    private byte[] wholeBody(Connection connection, Head head, int limit) throws IOException {
        try {
            byte[] body;
            if (head.status() == 204 || head.status() == 304) {
                body = new byte[0]; // never a body, with or without a length
            } else if (head.chunked()) {
                body = connection.readChunked(limit);
            } else if (head.contentLength() < 0) {
                throw new IOException("the object store answered without a length");
            } else if (head.contentLength() > limit) {
                throw new IOException("the object store's answer is longer than " + limit + " bytes");
            } else {
                body = new byte[(int) head.contentLength()];
                connection.readFully(body);
            }
            if (head.keepAlive()) {
                release(connection);
            } else {
                connection.close();
            }
            return body;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** RFC 3986 unreserved characters as they are, every other byte of the UTF-8 as %XY (what SigV4 signs). */
    static String uriEncode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The CRC-32C of {@code content}, big-endian, in base 64: the value of {@code x-amz-checksum-crc32c}. */
    static String crc32c(byte[] content) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        int value = (int) crc.getValue();
        return java.util.Base64.getEncoder().encodeToString(new byte[]{(byte) (value >>> 24), (byte) (value >>> 16),
                (byte) (value >>> 8), (byte) value});
    }

    private static String md5(byte[] content) {
        try {
            return java.util.Base64.getEncoder()
                    .encodeToString(java.security.MessageDigest.getInstance("MD5").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    private String pathOf(String bucket, ObjectKey key) throws IOException {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("object store requests block: not on an event loop");
        }
        if (closed) {
            throw new IOException("the object store client is closed");
        }
        StringBuilder path = new StringBuilder(basePath).append('/').append(uriEncode(bucket));
        for (String segment : key.value().split("/")) {
            path.append('/').append(uriEncode(segment));
        }
        return path.toString();
    }

    private byte[] request(String method, String path, java.util.List<SigV4.Header> signed, long contentLength) {
        StringBuilder request = new StringBuilder(512).append(method).append(' ').append(path)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        for (SigV4.Header header : signed) {
            request.append(header.name()).append(": ").append(header.value()).append("\r\n");
        }
        if (contentLength >= 0) {
            request.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private record Exchange(Connection connection, Head head) {
    }

    /** Sends a request and reads its answer's head, on a kept connection if there is one, else on a new one. */
    private Exchange exchange(byte[] request, byte[] body) throws IOException {
        Connection reused = takeIdle();
        if (reused != null) {
            try {
                return send(reused, request, body);
            } catch (IOException stale) {
                // the store closed it while it was idle (and likely the others of that time too): start afresh
                closeIdle();
            }
        }
        return send(connect(), request, body);
    }

    private static Exchange send(Connection connection, byte[] request, byte[] body) throws IOException {
        try {
            connection.out.write(request);
            if (body != null) {
                connection.out.write(body);
            }
            connection.out.flush();
            return new Exchange(connection, connection.readHead());
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The store's refusal (no such key, denied), with its error code when its XML body tells it. */
    private StoreAnswer answer(Connection connection, Head head) {
        byte[] body = smallBody(connection, head);
        Matcher m = ERROR_CODE.matcher(body == null ? "" : new String(body, StandardCharsets.UTF_8));
        return new StoreAnswer(head.status(), m.find() ? m.group(1) : null);
    }

    /**
     * The body of a short answer (an error, a PUT's acknowledgement), after which the connection is kept for reuse
     * if it may be; null, and the connection closed, when the body is longer than that, has no length or fails.
     */
    private byte[] smallBody(Connection connection, Head head) {
        if (head.contentLength() < 0 || head.contentLength() > ERROR_BODY_LIMIT) {
            connection.close();
            return null;
        }
        byte[] body = new byte[(int) head.contentLength()];
        try {
            connection.readFully(body);
        } catch (IOException e) {
            connection.close();
            return null;
        }
        if (head.keepAlive()) {
            release(connection);
        } else {
            connection.close();
        }
        return body;
    }

    private Connection connect() throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.setReceiveBufferSize(256 * 1024);
            plain.connect(new InetSocketAddress(host, port), Math.min(timeoutMillis, 3_000));
            plain.setSoTimeout(timeoutMillis);
            if (!tls) {
                return new Connection(plain);
            }
            SSLContext context = tlsContext != null ? tlsContext : SSLContext.getDefault();
            // layered with the endpoint's name, which the certificate must carry (and SNI names)
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port,
                    true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            return new Connection(ssl);
        } catch (java.security.NoSuchAlgorithmException e) {
            plain.close();
            throw new IOException("TLS is not available", e);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private Connection takeIdle() {
        long now = System.nanoTime();
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (now - connection.idleSince < IDLE_MILLIS * 1_000_000L) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    /** A connection whose response was read to its end goes back for reuse. */
    private void release(Connection connection) {
        if (closed || idleCount.incrementAndGet() > MAX_IDLE) {
            idleCount.decrementAndGet();
            connection.close();
            return;
        }
        connection.idleSince = System.nanoTime();
        idle.offerFirst(connection);
        if (closed) {
            closeIdle();
        }
    }

    private void closeIdle() {
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            connection.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
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
     * A response's head: {@code chunked} for a body in chunks, {@code versionId} the x-amz-version-id and
     * {@code etag} the ETag if sent.
     */
    private record Head(int status, long contentLength, boolean keepAlive, boolean chunked, String versionId,
            String etag) {
    }

    /** One HTTP/1.1 connection: the head is read through a small buffer, the body from it and then the socket. */
    private static final class Connection {

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;
        private long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        Head readHead() throws IOException {
            StringBuilder line = new StringBuilder(64);
            int status = -1;
            long length = -1;
            boolean keepAlive = true;
            boolean chunked = false;
            String versionId = null;
            String etag = null;
            int total = 0;
            while (true) {
                line.setLength(0);
                while (true) {
                    int b = readByte();
                    if (++total > HEAD_LIMIT) {
                        throw new IOException("the object store's response head is too long");
                    }
                    if (b == '\n') {
                        break;
                    }
                    if (b != '\r') {
                        line.append((char) b);
                    }
                }
                if (status < 0) {
                    status = statusOf(line);
                    keepAlive = line.charAt(7) == '1'; // HTTP/1.0 closes unless told otherwise: not reused
                    continue;
                }
                if (line.isEmpty()) {
                    if (status == 100) {
                        status = -1; // an interim answer: the real one follows
                        continue;
                    }
                    return new Head(status, chunked ? -1 : length, keepAlive, chunked, versionId, etag);
                }
                int colon = line.indexOf(":");
                if (colon <= 0) {
                    throw new IOException("malformed header in the object store's response");
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                switch (name) {
                    case "content-length" -> length = parseLength(value);
                    // not sent for objects; their answers have a length
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "x-amz-version-id" -> versionId = value;
                    case "etag" -> etag = value;
                    case "connection" -> keepAlive &= !value.equalsIgnoreCase("close");
                    default -> {
                        // other headers are not needed
                    }
                }
            }
        }

        private static int statusOf(CharSequence line) throws IOException {
            String text = line.toString();
            if (!text.startsWith("HTTP/1.") || text.length() < 12 || text.charAt(8) != ' ') {
                throw new IOException("the object store did not answer in HTTP/1.1");
            }
            try {
                return Integer.parseInt(text.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("the object store's status line is malformed", e);
            }
        }

        private static long parseLength(String value) throws IOException {
            try {
                long length = Long.parseLong(value);
                if (length < 0) {
                    throw new NumberFormatException(value);
                }
                return length;
            } catch (NumberFormatException e) {
                throw new IOException("the object store sent a malformed Content-Length", e);
            }
        }

        private int readByte() throws IOException {
            if (position == limit) {
                position = 0;
                limit = in.read(buffer, 0, buffer.length);
                if (limit < 0) {
                    limit = 0;
                    throw new EOFException("the object store closed the connection");
                }
            }
            return buffer[position++] & 0xff;
        }

        /** Up to {@code length} body bytes: what the head's buffer still holds, then straight from the socket. */
        int read(byte[] into, int offset, int length) throws IOException {
            if (position < limit) {
                int n = Math.min(length, limit - position);
                System.arraycopy(buffer, position, into, offset, n);
                position += n;
                return n;
            }
            return in.read(into, offset, length);
        }

        void readFully(byte[] into) throws IOException {
            int done = 0;
            while (done < into.length) {
                int n = read(into, done, into.length - done);
                if (n < 0) {
                    throw new EOFException("the object store closed the connection");
                }
                done += n;
            }
        }

        /** A body in chunks (RFC 9112 7.1) read to its end, trailers skipped, at most {@code limit} bytes. */
        byte[] readChunked(int limit) throws IOException {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (true) {
                String line = readLine();
                int semicolon = line.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("the object store sent a malformed chunk size", e);
                }
                if (size < 0 || body.size() + size > limit) {
                    throw new IOException("the object store's answer is longer than " + limit + " bytes");
                }
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers are not needed
                    }
                    return body.toByteArray();
                }
                byte[] chunk = new byte[(int) size];
                readFully(chunk);
                body.write(chunk);
                if (!readLine().isEmpty()) {
                    throw new IOException("the object store's chunk does not end where its size says");
                }
            }
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder(16);
            while (true) {
                int b = readByte();
                if (b == '\n') {
                    return line.toString();
                }
                if (b != '\r') {
                    if (line.length() >= 1024) {
                        throw new IOException("the object store sent an overlong line");
                    }
                    line.append((char) b);
                }
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more will be read
            }
        }
    }

    /** A response's body of known length; the connection is reused when it was read to the end. */
    private final class Body extends InputStream {

        private Connection connection;
        private long remaining;
        private final boolean keepAlive;
        private boolean closed;

        Body(Connection connection, long length, boolean keepAlive) {
            this.connection = connection;
            this.remaining = length;
            this.keepAlive = keepAlive;
            if (length == 0) {
                finish();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, into.length);
            if (closed) {
                throw new IOException("stream closed");
            }
            if (remaining == 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int n;
            try {
                n = connection.read(into, offset, (int) Math.min(length, remaining));
            } catch (IOException e) {
                abandon();
                throw e;
            }
            if (n < 0) {
                abandon();
                throw new EOFException("the object store closed the connection " + remaining
                        + " bytes before the end of the object");
            }
            remaining -= n;
            if (remaining == 0) {
                finish();
            }
            return n;
        }

        @Override
        public int available() {
            return connection == null
                    ? 0
                    : (int) Math.min(Integer.MAX_VALUE, Math.min(remaining,
                            connection.limit - connection.position));
        }

        private void finish() {
            Connection done = connection;
            connection = null;
            if (keepAlive) {
                release(done);
            } else {
                done.close();
            }
        }

        private void abandon() {
            if (connection != null) {
                connection.close(); // the rest of the body is not wanted: the connection cannot be reused
                connection = null;
            }
        }

        @Override
        public void close() {
            closed = true;
            abandon();
        }
    }
}
