package org.imageportal.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a multipart/related body as it streams and returns the SHA-256 of each part's content, holding no more
 * than the delimiter in memory: the benchmark checks every retrieved instance without keeping any of them.
 */
final class MultipartDigests {

    private static final int BODY = 0;
    private static final int AFTER_DELIMITER = 1;
    private static final int HEADERS = 2;
    private static final int DONE = 3;

    private final byte[] delimiter;
    private final int[] fallback;
    private final List<String> digests = new ArrayList<>();
    private MessageDigest current;
    private int state = BODY;
    private int matched;
    private int afterDelimiter;
    private boolean closing;
    private int headerLine;
    private long contentBytes;

    private MultipartDigests(String boundary) {
        delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        fallback = new int[delimiter.length];
        for (int i = 1, k = 0; i < delimiter.length; i++) {
            while (k > 0 && delimiter[i] != delimiter[k]) {
                k = fallback[k - 1];
            }
            if (delimiter[i] == delimiter[k]) {
                k++;
            }
            fallback[i] = k;
        }
    }

    record Result(List<String> digests, long contentBytes) {
    }

    static Result read(InputStream in, String contentType) throws IOException {
        String boundary = contentType.replaceAll("(?i).*boundary=\"?([^\";]+)\"?.*", "$1");
        MultipartDigests parser = new MultipartDigests(boundary);
        parser.feed(new byte[] {'\r', '\n'}, 2); // the first delimiter has no CRLF in front
        byte[] buffer = new byte[256 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            parser.feed(buffer, n);
        }
        if (parser.state != DONE) {
            throw new IOException("the multipart body ended before its closing delimiter");
        }
        return new Result(parser.digests, parser.contentBytes);
    }

    private void feed(byte[] bytes, int length) {
        int bodyStart = -1;
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            switch (state) {
                case BODY -> {
                    if (bodyStart < 0) {
                        bodyStart = i;
                    }
                    while (matched > 0 && b != delimiter[matched]) {
                        int shorter = fallback[matched - 1];
                        emitHeld(matched - shorter);
                        matched = shorter;
                    }
                    if (b == delimiter[matched]) {
                        // bytes before this one that are not held back go to the digest
                        emit(bytes, bodyStart, i - bodyStart);
                        bodyStart = i + 1;
                        matched++;
                        if (matched == delimiter.length) {
                            if (current != null) {
                                digests.add(HexFormat.of().formatHex(current.digest()));
                            }
                            current = null;
                            matched = 0;
                            state = AFTER_DELIMITER;
                            afterDelimiter = 0;
                            closing = false;
                            bodyStart = -1;
                        }
                    }
                }
                case AFTER_DELIMITER -> {
                    if (afterDelimiter == 0) {
                        closing = b == '-';
                    }
                    afterDelimiter++;
                    if (afterDelimiter == 2) {
                        state = closing ? DONE : HEADERS;
                        headerLine = 0;
                    }
                }
                case HEADERS -> {
                    // the CRLF after the delimiter was consumed above; the headers end at an empty line
                    if (b == '\n') {
                        if (headerLine == 0) {
                            startPart();
                        }
                        headerLine = 0;
                    } else if (b != '\r') {
                        headerLine++;
                    }
                }
                default -> {
                    // after the closing delimiter: epilogue, ignored
                }
            }
            if (state == BODY && bodyStart < 0 && current != null) {
                bodyStart = i + 1;
            }
        }
        if (state == BODY && bodyStart >= 0 && bodyStart < length) {
            emit(bytes, bodyStart, length - bodyStart);
        }
    }

    private void startPart() {
        state = BODY;
        matched = 0;
        try {
            current = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void emit(byte[] bytes, int from, int length) {
        if (current != null && length > 0) {
            current.update(bytes, from, length);
            contentBytes += length;
        }
    }

    private void emitHeld(int count) {
        emit(delimiter, 0, count);
    }
}
