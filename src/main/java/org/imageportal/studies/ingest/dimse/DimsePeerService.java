package org.imageportal.studies.ingest.dimse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.security.auth.x500.X500Principal;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.dicom.AssociateRequest;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.http.Cidr;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * The AE registry: administrators register, change and remove the DICOM nodes that may send over DIMSE (every change
 * audited in the statement that makes it); the listener asks it whether to accept an association and records each
 * decision.
 */
@ApplicationScoped
public class DimsePeerService {

    private static final Logger LOG = Logger.getLogger(DimsePeerService.class);

    /** The audit action of every accepted or refused association. */
    static final String ASSOCIATION = "dimse.association";

    private final DimsePeerRepository peers;
    private final AuditTrail audit;
    private final DimseConfig config;

    DimsePeerService(DimsePeerRepository peers, AuditTrail audit, DimseConfig config) {
        this.peers = peers;
        this.audit = audit;
        this.config = config;
    }

    public Uni<List<DimsePeer>> list(Actor actor) {
        requireAdmin(actor);
        return peers.list();
    }

    public Uni<DimsePeer> get(Actor actor, UUID id) {
        requireAdmin(actor);
        return peers.find(id).map(found -> found.orElseThrow(ProblemException::notFound));
    }

    public Uni<DimsePeer> create(Actor actor, DimsePeerRequest request) {
        requireAdmin(actor);
        Valid valid = validate(request);
        UUID id = UUID.randomUUID();
        return audit.recordWith(peers.pool(), DimsePeerRepository.insert(id, valid.calling(), valid.called(),
                valid.addresses(), valid.subject(), valid.description()), actor.subject(), "dimse.peer.create",
                "success", entity(id), detail(valid))
                .onFailure(DimsePeerService::duplicate).transform(e -> taken())
                .chain(() -> peers.find(id)).map(Optional::orElseThrow);
    }

    /** The node registered under the request's calling AE title, registered now if it is not yet. Blocking. */
    public DimsePeer ensureRegistered(Actor actor, DimsePeerRequest request) {
        requireAdmin(actor);
        return peers.findByCallingAeTitle(request.callingAeTitle()).await().indefinitely()
                .orElseGet(() -> create(actor, request).await().indefinitely());
    }

    public Uni<DimsePeer> update(Actor actor, UUID id, DimsePeerRequest request) {
        requireAdmin(actor);
        Valid valid = validate(request);
        return peers.find(id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.notFound());
            }
            return audit.recordWith(peers.pool(), DimsePeerRepository.update(id, valid.calling(), valid.called(),
                    valid.addresses(), valid.subject(), valid.description()), actor.subject(), "dimse.peer.update",
                    "success", entity(id), detail(valid))
                    .onFailure(DimsePeerService::duplicate).transform(e -> taken());
        }).chain(() -> peers.find(id)).map(Optional::orElseThrow);
    }

    public Uni<Void> delete(Actor actor, UUID id) {
        requireAdmin(actor);
        return peers.find(id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(ProblemException.notFound());
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("callingAeTitle", found.get().callingAeTitle());
            return audit.recordWith(peers.pool(), DimsePeerRepository.delete(id), actor.subject(),
                    "dimse.peer.delete", "success", entity(id), detail);
        });
    }

    /** Whether to accept an association request, by the registry as it is now. Blocking. */
    PeerCheck.Decision decide(AssociateRequest request, String address, Optional<X500Principal> subject) {
        Optional<DimsePeer> peer = peers.findByCallingAeTitle(request.callingAeTitle()).await().indefinitely();
        return PeerCheck.decide(peer, request.calledAeTitle(), address, subject);
    }

    /**
     * Records an accepted or refused association. The trail gets the AE titles, the address, the certificate subject
     * and the reason: a node's identity, never a patient's. Blocking; a failure to record is logged, never hidden by
     * accepting anyway (the caller refuses when it cannot record an acceptance).
     */
    boolean recordAssociation(Optional<DimsePeer> peer, String outcome, String reason, String callingAeTitle,
            String calledAeTitle, String address, Optional<X500Principal> subject) {
        Map<String, Object> detail = new LinkedHashMap<>();
        if (callingAeTitle != null) {
            detail.put("callingAeTitle", callingAeTitle);
        }
        if (calledAeTitle != null) {
            detail.put("calledAeTitle", calledAeTitle);
        }
        detail.put("address", address);
        subject.ifPresent(s -> detail.put("certificateSubject", s.getName(X500Principal.RFC2253)));
        if (reason != null) {
            detail.put("reason", reason);
        }
        String actor = callingAeTitle == null ? "dimse" : actorName(callingAeTitle);
        String entity = peer.map(p -> entity(p.id())).orElse("dimse-listener");
        try {
            audit.record(actor, ASSOCIATION, outcome, entity, detail).await().indefinitely();
            return true;
        } catch (RuntimeException e) {
            LOG.errorf("recording a DIMSE association failed: %s", e.getClass().getSimpleName());
            return false;
        }
    }

    /** The audit actor of a node: its calling AE title, marked as a DIMSE peer. */
    static String actorName(String callingAeTitle) {
        return "dimse:" + callingAeTitle;
    }

    private record Valid(String calling, String called, List<String> addresses, String subject, String description) {
    }

    private Valid validate(DimsePeerRequest request) {
        List<Problem.Violation> violations = new ArrayList<>();
        String calling = request.callingAeTitle();
        if (!AssociateRequest.validAeTitle(calling)) {
            violations.add(new Problem.Violation("callingAeTitle", "The calling AE title has 1 to 16 printable "
                    + "ASCII characters, no backslash, no leading or trailing space"));
        }
        String called = request.calledAeTitle() == null || request.calledAeTitle().isBlank()
                ? config.aeTitle()
                : request.calledAeTitle();
        if (!AssociateRequest.validAeTitle(called)) {
            violations.add(new Problem.Violation("calledAeTitle", "The called AE title has 1 to 16 printable "
                    + "ASCII characters, no backslash, no leading or trailing space"));
        }
        List<String> addresses = request.addresses().stream().map(String::strip).distinct().toList();
        for (String address : addresses) {
            if (!Cidr.valid(address)) {
                violations.add(new Problem.Violation("addresses", "Addresses: " + address
                        + " is not an IP address or CIDR range (such as 192.0.2.10 or 10.1.0.0/16)"));
                break;
            }
        }
        String subject = request.certificateSubject() == null || request.certificateSubject().isBlank()
                ? null
                : request.certificateSubject().strip();
        if (subject != null) {
            try {
                subject = new X500Principal(subject).getName(X500Principal.RFC2253);
            } catch (IllegalArgumentException e) {
                violations.add(new Problem.Violation("certificateSubject",
                        "not a distinguished name (such as CN=CT scanner 1,O=Radiology)"));
            }
        }
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.VALIDATION, "the node's entry is not valid")
                    .withViolations(violations));
        }
        String description = request.description() == null ? "" : request.description().strip();
        return new Valid(calling, called, addresses, subject, description);
    }

    private static Map<String, Object> detail(Valid valid) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("callingAeTitle", valid.calling());
        detail.put("calledAeTitle", valid.called());
        detail.put("addresses", valid.addresses());
        if (valid.subject() != null) {
            detail.put("certificateSubject", valid.subject());
        }
        return detail;
    }

    private static String entity(UUID id) {
        return "dimse-peer:" + id;
    }

    private static boolean duplicate(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    private static ProblemException taken() {
        return new ProblemException(ProblemType.CONFLICT, "another node is registered with this calling AE title");
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.has(Role.ADMIN)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "only administrators manage the DICOM nodes");
        }
    }
}
