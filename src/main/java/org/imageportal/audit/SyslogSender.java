package org.imageportal.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Sends syslog messages (RFC 5424) over TLS with octet-counting framing (RFC 5425): facility authpriv, severity
 * notice, MSGID {@code IHE+RFC-3881} for DICOM audit messages, the message in UTF-8 after a byte order mark. The
 * repository's certificate is checked against the trust store and the host name. Blocking; plain Java.
 */
final class SyslogSender {

    /** authpriv (10) * 8 + notice (5). */
    static final int PRI = 85;
    static final String MSGID = "IHE+RFC-3881";
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private final SyslogConfig config;
    private final String appName;
    private final String hostname;

    SyslogSender(SyslogConfig config, String appName) {
        this.config = config;
        this.appName = field(appName, 48);
        this.hostname = field(localHost(), 255);
    }

    /** One syslog message, framed: "LEN SP MSG". */
    byte[] frame(Instant at, String message) {
        byte[] header = ("<" + PRI + ">1 " + STAMP.format(at.atOffset(ZoneOffset.UTC)) + " " + hostname + " " + appName
                + " - " + MSGID + " - ").getBytes(StandardCharsets.US_ASCII);
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        int length = header.length + BOM.length + body.length;
        byte[] prefix = (length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(header, 0, out, prefix.length, header.length);
        System.arraycopy(BOM, 0, out, prefix.length + header.length, BOM.length);
        System.arraycopy(body, 0, out, prefix.length + header.length + BOM.length, body.length);
        return out;
    }

    /** Sends the framed messages over one TLS connection; any failure throws (nothing counts as sent). */
    void send(List<byte[]> frames) throws IOException {
        String host = config.host().orElseThrow(() -> new IOException("no syslog host configured"));
        SSLContext tls = context();
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            int timeout = (int) config.timeout().toMillis();
            socket.connect(new InetSocketAddress(host, config.port()), timeout);
            socket.setSoTimeout(timeout);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(AuditTls.PROTOCOLS);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            for (byte[] frame : frames) {
                out.write(frame);
            }
            out.flush();
            // a clean close: the repository has read what it acknowledged at the TCP level
            socket.shutdownOutput();
        }
    }

    private SSLContext context() throws IOException {
        return AuditTls.client(config, "syslog");
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "-";
        }
    }

    /** A header field: printable US-ASCII without spaces, at most {@code max} characters; "-" if empty. */
    static String field(String value, int max) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c > 32 && c < 127 && out.length() < max) {
                out.append(c);
            }
        }
        return out.isEmpty() ? "-" : out.toString();
    }
}
