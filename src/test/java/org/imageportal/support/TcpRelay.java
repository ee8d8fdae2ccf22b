package org.imageportal.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a real service, on a fixed local port. {@link #cut()} closes the listener and every
 * open connection, so the service is unreachable exactly as if it had stopped; {@link #restore()} listens again
 * on the same port. Used to take PostgreSQL or the S3 store away from one portal instance without stopping the
 * shared service other test runs may use.
 */
public final class TcpRelay implements AutoCloseable {

    private int port;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final javax.net.ServerSocketFactory listeners;
    private volatile ServerSocket server;
    private volatile boolean corruptUploads;

    private TcpRelay(int port, String targetHost, int targetPort, javax.net.ServerSocketFactory listeners) {
        this.port = port;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listeners = listeners;
    }

    /**
     * A free local port for the relay called {@code name}, the same in every class loader of the JVM (Quarkus
     * reads a test profile's configuration in another loader than the one that runs the test).
     */
    public static int reservePort(String name) {
        String key = "portal.test.relay." + name + ".port";
        synchronized (System.class) {
            String existing = System.getProperty(key);
            if (existing != null) {
                return Integer.parseInt(existing);
            }
            try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                System.setProperty(key, Integer.toString(probe.getLocalPort()));
                return probe.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Starts a relay on the port reserved under {@code name}. */
    public static TcpRelay listen(String name, String host, int port) {
        TcpRelay relay = new TcpRelay(reservePort(name), host, port, javax.net.ServerSocketFactory.getDefault());
        relay.restore();
        return relay;
    }

    /**
     * Starts a relay on a port the system chooses at bind time (no window in which another socket could take a
     * probed port); for relays whose port the application's configuration does not need in advance.
     */
    public static TcpRelay listen(String host, int port) {
        return listen(host, port, javax.net.ServerSocketFactory.getDefault());
    }

    /** The same, accepting connections from {@code listeners} (e.g. TLS ones, ending TLS in front of the service). */
    public static TcpRelay listen(String host, int port, javax.net.ServerSocketFactory listeners) {
        TcpRelay relay = new TcpRelay(0, host, port, listeners);
        relay.restore();
        relay.port = relay.server.getLocalPort();
        return relay;
    }

    public int port() {
        return port;
    }

    /**
     * From now on, flips one bit of the first body byte of every PUT relayed to the service: what a faulty network
     * card, proxy or disk cache does to an upload without anyone noticing.
     */
    public void corruptUploads(boolean on) {
        corruptUploads = on;
    }

    public synchronized void restore() {
        if (server != null) {
            return;
        }
        try {
            ServerSocket socket = listeners.createServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = socket;
            Thread.ofVirtual().start(() -> accept(socket));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
    }

    /**
     * Closes every relayed connection but keeps listening, as a server does with idle keep-alive connections (a
     * listener closed and re-bound at once can fail while the closed connections linger in FIN_WAIT_2).
     */
    public synchronized void dropConnections() {
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    public synchronized void cut() {
        closeQuietly(server);
        server = null;
        open.forEach(TcpRelay::closeQuietly);
        open.clear();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                // listener closed by cut(), or the target refused: the client sees a closed connection
            }
        }
    }

    private void pump(Socket from, Socket to, boolean requests) {
        byte[] buffer = new byte[16384];
        // requests: 0 looking for a PUT, 1 in its head, 2 the next byte is the body's first
        int state = 0;
        int matched = 0;
        byte[] headEnd = {'\r', '\n', '\r', '\n'};
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; requests && corruptUploads && i < n; i++) {
                    if (state == 0 && i + 3 < n && buffer[i] == 'P' && buffer[i + 1] == 'U' && buffer[i + 2] == 'T'
                            && buffer[i + 3] == ' ') {
                        state = 1;
                        matched = 0;
                    } else if (state == 1) {
                        matched = buffer[i] == headEnd[matched] ? matched + 1 : buffer[i] == '\r' ? 1 : 0;
                        if (matched == 4) {
                            state = 2;
                        }
                    } else if (state == 2) {
                        buffer[i] ^= 0x01;
                        state = 0;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection ended
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        cut();
    }
}
