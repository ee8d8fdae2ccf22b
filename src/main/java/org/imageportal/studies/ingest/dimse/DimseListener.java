package org.imageportal.studies.ingest.dimse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.imageportal.dicom.AssociateRequest;
import org.imageportal.dicom.AssociateRequest.Rejection;
import org.imageportal.dicom.StorageAssociation;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.studies.ingest.IngestService;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.CommandLineArguments;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * The DIMSE gateway's listener: a socket of the portal's own (TLS with a required client certificate, see
 * {@link DimseTls}), bounded in associations and in time. Each connection: TLS handshake, the association request
 * read and decided on against the AE registry (refused with an A-ASSOCIATE-RJ of its own), the decision audited,
 * then C-ECHO and C-STORE served on a virtual thread, every instance through the same ingest as STOW-RS. Nothing a
 * peer sends can stop the listener: every failure ends that one connection.
 */
@ApplicationScoped
public class DimseListener {

    private static final Logger LOG = Logger.getLogger(DimseListener.class);

    private static final int BACKLOG = 50;

    /** The largest command set read (a C-STORE-RQ is a few hundred bytes). */
    private static final int MAX_COMMAND = 16 * 1024;

    private final DimseConfig config;
    private final DimsePeerService peers;
    private final IngestService ingest;
    private final boolean command;
    private ServerSocket server;
    private ExecutorService associations;
    private Semaphore slots;

    DimseListener(DimseConfig config, DimsePeerService peers, IngestService ingest,
            @CommandLineArguments String[] args) {
        this.config = config;
        this.peers = peers;
        this.ingest = ingest;
        this.command = args.length > 0;
    }

    void start(@Observes StartupEvent event) throws IOException {
        // a maintenance command (migrate, seed-demo, ...) runs beside the serving portal and never listens
        if (!config.enabled() || command) {
            return;
        }
        check(config, ConfigUtils.getProfiles()).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        server = config.plainTcp()
                ? new ServerSocket(config.port(), BACKLOG, InetAddress.getByName(config.host()))
                : DimseTls.listen(config, BACKLOG);
        slots = new Semaphore(config.maxAssociations());
        associations = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dimse-", 0).factory());
        Thread.ofPlatform().daemon().name("dimse-listener").start(this::acceptAll);
        LOG.infof("DIMSE gateway listening on %s:%d (%s), AE title %s", config.host(), server.getLocalPort(),
                config.plainTcp() ? "plain TCP" : "TLS", config.aeTitle());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            closeQuietly(server);
            associations.shutdownNow();
        }
    }

    /** What stops the listener from starting with this configuration, if anything. */
    static Optional<String> check(DimseConfig config, List<String> profiles) {
        if (!AssociateRequest.validAeTitle(config.aeTitle())) {
            return Optional.of("portal.dimse.ae-title must be 1 to 16 printable ASCII characters without backslash");
        }
        long pdu = config.maxPduSize().asLongValue();
        if (pdu < 4096 || pdu > 1024 * 1024) {
            return Optional.of("portal.dimse.max-pdu-size must lie between 4K and 1M");
        }
        if (config.maxAssociations() < 1) {
            return Optional.of("portal.dimse.max-associations must be at least 1");
        }
        if (config.plainTcp()) {
            return profiles.contains("prod")
                    ? Optional.of("portal.dimse.plain-tcp is refused in the prod profile: DIMSE needs TLS there")
                    : Optional.empty();
        }
        if (config.keyStore().isEmpty() || config.trustStore().isEmpty()) {
            return Optional.of("portal.dimse.key-store and portal.dimse.trust-store are required for DIMSE over TLS");
        }
        return Optional.empty();
    }

    /** The port actually listened on (0 when not listening). */
    int port() {
        return server == null ? 0 : server.getLocalPort();
    }

    private void acceptAll() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warnf("accepting a DIMSE connection failed: %s", e.getClass().getSimpleName());
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                LOG.warnf("a DIMSE connection was closed: %d associations are served already",
                        config.maxAssociations());
                closeQuietly(socket);
                continue;
            }
            try {
                associations.execute(() -> {
                    try {
                        serve(socket);
                    } finally {
                        closeQuietly(socket);
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                closeQuietly(socket);
                slots.release();
            }
        }
    }

    private void serve(Socket socket) {
        String address = socket.getInetAddress().getHostAddress();
        try {
            socket.setSoTimeout((int) config.handshakeTimeout().toMillis());
            Optional<X500Principal> subject = Optional.empty();
            if (socket instanceof SSLSocket tls) {
                try {
                    tls.startHandshake();
                    subject = clientSubject(tls);
                } catch (IOException e) {
                    peers.recordAssociation(Optional.empty(), "refused", handshakeFailure(e), null, null, address,
                            Optional.empty());
                    return;
                }
            }
            AssociateRequest request;
            try {
                request = AssociateRequest.read(socket.getInputStream(),
                        (int) config.maxRequestSize().asLongValue());
            } catch (AssociateRequest.Malformed e) {
                answer(socket, e.answer());
                peers.recordAssociation(Optional.empty(), "refused", "malformed-request", null, null, address,
                        subject);
                return;
            }
            switch (peers.decide(request, address, subject)) {
                case PeerCheck.Refused refused -> {
                    answer(socket, refused.rejection().pdu());
                    peers.recordAssociation(Optional.empty(), "refused", refused.reason(), request.callingAeTitle(),
                            request.calledAeTitle(), address, subject);
                }
                case PeerCheck.Accepted accepted -> accept(socket, request, accepted.peer(), address, subject);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("a DIMSE association from %s ended with %s", address, e.getClass().getSimpleName());
        }
    }

    private void accept(Socket socket, AssociateRequest request, DimsePeer peer, String address,
            Optional<X500Principal> subject) throws IOException {
        if (!peers.recordAssociation(Optional.of(peer), "success", null, request.callingAeTitle(),
                request.calledAeTitle(), address, subject)) {
            // no association goes unrecorded: the peer may try again
            answer(socket, Rejection.LOCAL_LIMIT_EXCEEDED.pdu());
            return;
        }
        socket.setSoTimeout((int) config.idleTimeout().toMillis());
        String callingAeTitle = request.callingAeTitle();
        Actor actor = new Actor(DimsePeerService.actorName(callingAeTitle), callingAeTitle,
                "DICOM node " + callingAeTitle, Set.of(Role.INGEST), false, true);
        StorageAssociation.Limits limits = new StorageAssociation.Limits((int) config.maxPduSize().asLongValue(),
                MAX_COMMAND);
        StorageAssociation.Summary summary = StorageAssociation.serve(socket, request, limits,
                part10 -> StoreStatus.of(ingest.ingest(part10, IngestService.Target.any(), actor)));
        LOG.debugf("DIMSE association of %s ended: %s after %d instances and %d echoes", callingAeTitle,
                summary.ending(), summary.instances(), summary.echoes());
    }

    private static Optional<X500Principal> clientSubject(SSLSocket socket) {
        try {
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate certificate
                    ? Optional.of(certificate.getSubjectX500Principal())
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** The audit reason of a failed handshake, told apart by the JDK's messages where it can. */
    static String handshakeFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Empty client certificate chain") || message.contains("certificate_required")) {
            return "no-client-certificate";
        }
        if (message.contains("PKIX") || message.contains("certificate")) {
            return "client-certificate-not-trusted";
        }
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext")) {
            return "not-tls";
        }
        return "tls-handshake-failed";
    }

    private static void answer(Socket socket, byte[] pdu) {
        try {
            socket.getOutputStream().write(pdu);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // the peer left first
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
