package org.imageportal.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local SMTP server that accepts every message and keeps it for the test (RFC 5321: greeting, EHLO/HELO,
 * MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; no TLS, no authentication).
 */
public final class SmtpSink implements AutoCloseable {

    /** One message as received: envelope recipients and the raw content (headers and body). */
    public record Message(List<String> recipients, String content) {
    }

    private final ServerSocket server;
    private final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final java.util.Set<Socket> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private SmtpSink(ServerSocket server) {
        this.server = server;
        Thread.ofPlatform().daemon().name("smtp-sink").start(this::accept);
    }

    /** Stops listening and ends every open session: the mail server is down. */
    private void closeAll() {
        sessions.forEach(socket -> {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        });
    }

    /** Listens on the port reserved under {@code name} (see {@link TcpRelay#reservePort}). */
    public static SmtpSink listen(String name) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), TcpRelay.reservePort(name)));
            return new SmtpSink(socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for SMTP", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next message received, waiting up to the timeout; null if none came. */
    public Message next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sessions.add(client);
                Thread.ofPlatform().daemon().name("smtp-session").start(() -> session(client));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void session(Socket socket) {
        try (socket;
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream()) {
            reply(out, "220 sink ESMTP ready");
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (command) {
                    case "EHLO" -> reply(out, "250-sink\r\n250 8BITMIME");
                    case "HELO", "NOOP" -> reply(out, "250 ok");
                    case "MAIL" -> {
                        recipients.clear();
                        reply(out, "250 ok");
                    }
                    case "RCPT" -> {
                        recipients.add(line.replaceAll("(?i)^RCPT TO:\\s*<?([^>]*)>?.*$", "$1"));
                        reply(out, "250 ok");
                    }
                    case "DATA" -> {
                        reply(out, "354 end with <CRLF>.<CRLF>");
                        StringBuilder content = new StringBuilder();
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            content.append(data.startsWith("..") ? data.substring(1) : data).append("\r\n");
                        }
                        received.add(new Message(List.copyOf(recipients), content.toString()));
                        reply(out, "250 queued");
                    }
                    case "RSET" -> {
                        recipients.clear();
                        reply(out, "250 ok");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        closeAll();
    }
}
