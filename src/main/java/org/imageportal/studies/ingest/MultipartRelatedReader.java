package org.imageportal.studies.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Streams the parts of a multipart/related body (RFC 2387) one after another without buffering a part: each part's
 * body is an InputStream that ends at the next boundary. Memory is one fixed buffer whatever the part sizes.
 */
final class MultipartRelatedReader {

    /** One part: its headers (names in lower case) and its body, valid until {@link #next()} is called again. */
    record Part(Map<String, String> headers, InputStream body) {

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    /** The body is not a well-formed multipart body. */
    static final class MalformedMultipart extends IOException {

        MalformedMultipart(String message) {
            super(message);
        }
    }

    private static final int BUFFER = 256 * 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    /** How far the delimiter may move on when the byte under its last one is this one (Boyer-Moore-Horspool). */
    private final int[] shift = new int[256];
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private PartBody current;
    private boolean finished;

    MultipartRelatedReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        java.util.Arrays.fill(shift, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            shift[delimiter[i] & 0xff] = delimiter.length - 1 - i;
        }
        this.buf = new byte[BUFFER + delimiter.length];
        // a virtual CRLF so that the first boundary matches the same delimiter as the others
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** The next part, or null after the closing boundary. */
    Part next() throws IOException {
        if (finished) {
            return null;
        }
        if (current == null) {
            skipPreamble();
        } else {
            current.drain();
        }
        // after a delimiter: "--" closes the body, otherwise optional padding and CRLF start a part
        fill(2);
        if (limit - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        String line = readLine();
        if (!line.isBlank()) {
            throw new MalformedMultipart("unexpected text after a boundary");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int headerBytes = 0;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            headerBytes += header.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new MalformedMultipart("part headers too large");
            }
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).strip());
            }
        }
        current = new PartBody();
        return new Part(headers, current);
    }

    private void skipPreamble() throws IOException {
        PartBody preamble = new PartBody();
        preamble.drain();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            fill(1);
            if (pos >= limit) {
                throw new MalformedMultipart("the body ends inside part headers");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) (b & 0xff));
            if (line.length() > MAX_HEADER_BYTES) {
                throw new MalformedMultipart("part header line too long");
            }
        }
    }

    /** Ensures at least {@code wanted} unread bytes are buffered, unless the source ends first. */
    private void fill(int wanted) throws IOException {
        if (limit - pos >= wanted || eof) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < wanted && !eof) {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
            } else {
                limit += n;
            }
        }
    }

    /**
     * The first position in {@code [from, to - delimiter length]} where the delimiter starts, or -1. Compares the
     * delimiter's last byte first and moves on by up to its whole length (Boyer-Moore-Horspool): image bytes are
     * looked at about once per delimiter length instead of each once, the search was a twentieth of STOW-RS's CPU.
     */
    private int indexOfDelimiter(int from, int to) {
        int end = delimiter.length - 1;
        byte lastByte = delimiter[end];
        for (int i = from; i + end < to;) {
            byte under = buf[i + end];
            if (under == lastByte) {
                int j = end - 1;
                while (j >= 0 && buf[i + j] == delimiter[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
            }
            i += shift[under & 0xff];
        }
        return -1;
    }

    /** A part's body: the bytes up to the next delimiter. */
    private final class PartBody extends InputStream {

        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            fill(delimiter.length + 1);
            // look only as far as this read can return: small reads must not rescan the whole buffer each time
            int window = (int) Math.min(limit, (long) pos + len + delimiter.length - 1);
            int at = indexOfDelimiter(pos, window);
            if (at == pos) {
                done = true;
                pos += delimiter.length;
                return -1;
            }
            int safe;
            if (at >= 0) {
                safe = at;
            } else if (eof && window == limit) {
                throw new MalformedMultipart("the body ends before its closing boundary");
            } else {
                safe = window - delimiter.length + 1;
            }
            int n = Math.min(len, safe - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        void drain() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // skip what the consumer did not read
            }
        }

        @Override
        public void close() {
            // the request body belongs to the reader
        }
    }

    /** The value of a parameter of a Content-Type header (quotes removed), or null. */
    static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String value = p.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    /** The media type of a Content-Type header without parameters, lower case. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
