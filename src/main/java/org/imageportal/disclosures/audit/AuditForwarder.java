package org.imageportal.disclosures.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.disclosures.audit.AuditChain.Entry;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Forwards the audit trail, in chain order, to the audit record repository as DICOM audit messages over syslog/TLS.
 * How far the repository has received it is kept in the database and moves only after a batch was written and the
 * connection closed cleanly, so an unreachable repository loses nothing: the next run sends from where the last
 * one stopped. With several portal instances, the one holding the destination's lease forwards; no database
 * transaction stays open while it sends. Entries whose
 * action has no DICOM audit event are passed over (they stay in the trail and its FHIR export). Blocking.
 */
@ApplicationScoped
public class AuditForwarder {

    private static final Logger LOG = Logger.getLogger(AuditForwarder.class);

    private final Pool pool;
    private final AuditSearchService search;
    private final SyslogConfig config;
    private final AuditSource source;
    private final SyslogSender sender;
    private final AuditSealer sealer;

    AuditForwarder(Pool pool, AuditSearchService search, SyslogConfig config, AuditConfig audit, AuditSealer sealer) {
        this.sealer = sealer;
        this.pool = pool;
        this.search = search;
        this.config = config;
        this.source = new AuditSource(audit.sourceId(), audit.site().orElse(null));
        this.sender = new SyslogSender(config, audit.sourceId());
    }

    @Scheduled(every = "${portal.audit.syslog.every}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        try {
            forward();
        } catch (RuntimeException e) {
            LOG.warnf("audit forwarding to the repository failed; it resumes on the next run (%s)",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Sends the entries the repository has not received yet, a batch per connection; returns the chain position it
     * has received up to, or empty if another instance is forwarding right now.
     */
    public Optional<Long> forward() {
        String destination = "syslog:" + config.host().orElse("-") + ":" + config.port();
        pool.preparedQuery("INSERT INTO portal.audit_forwarding (destination) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(destination)).await().indefinitely();
        // the repository receives entries in chain order: what was appended up to now is sealed first
        sealer.seal().await().indefinitely();
        UUID holder = UUID.randomUUID();
        // long enough for one batch's connection; a send that overruns it may be repeated by another instance
        double leaseSeconds = config.timeout().toSeconds() * 3.0;
        Optional<Long> reached = Optional.empty();
        try {
            while (true) {
                // claim the destination for a while: no transaction stays open across the network send
                var claimed = pool.preparedQuery("UPDATE portal.audit_forwarding SET lease_holder = $2, "
                        + "lease_until = now() + make_interval(secs => $3) WHERE destination = $1 "
                        + "AND (lease_until IS NULL OR lease_until < now() OR lease_holder = $2) RETURNING last_seq")
                        .execute(Tuple.of(destination, holder, leaseSeconds)).await().indefinitely();
                if (claimed.size() == 0) {
                    return reached;
                }
                long last = claimed.iterator().next().getLong("last_seq");
                long next = send(search.run(last, config.batch()).await().indefinitely(), last);
                if (next == last) {
                    return Optional.of(last);
                }
                pool.preparedQuery("UPDATE portal.audit_forwarding SET last_seq = $3, updated_at = now() "
                        + "WHERE destination = $1 AND lease_holder = $2").execute(Tuple.of(destination, holder, next))
                        .await().indefinitely();
                reached = Optional.of(next);
            }
        } finally {
            pool.preparedQuery("UPDATE portal.audit_forwarding SET lease_holder = NULL, lease_until = NULL "
                    + "WHERE destination = $1 AND lease_holder = $2").execute(Tuple.of(destination, holder))
                    .await().indefinitely();
        }
    }

    private static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern
            .compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The Study Instance UIDs and Patient IDs of the studies and patients a batch is about. */
    private DicomAuditMessage.Identifiers identifiers(List<Entry> entries) {
        List<UUID> studies = new ArrayList<>();
        List<UUID> patients = new ArrayList<>();
        for (Entry e : entries) {
            for (AuditObjects.Ref ref : AuditObjects.of(e)) {
                if (UUID_TEXT.matcher(ref.id()).matches()) {
                    if ("study".equals(ref.kind())) {
                        studies.add(UUID.fromString(ref.id()));
                    } else if (ref.person()) {
                        patients.add(UUID.fromString(ref.id()));
                    }
                }
            }
        }
        java.util.Map<String, DicomAuditMessage.StudyIdentity> studyIds = new java.util.HashMap<>();
        java.util.Map<String, DicomAuditMessage.PatientNumber> patientIds = new java.util.HashMap<>();
        if (!studies.isEmpty()) {
            pool.preparedQuery("SELECT s.id::text AS id, s.study_uid, p.patient_id, p.issuer FROM portal.study s "
                    + "LEFT JOIN portal.patient p ON p.id = s.patient_ref WHERE s.id = ANY($1)")
                    .execute(Tuple.of(studies.toArray(UUID[]::new))).await().indefinitely()
                    .forEach(r -> studyIds.put(r.getString("id"), new DicomAuditMessage.StudyIdentity(
                            r.getString("study_uid"), r.getString("patient_id") == null
                                    ? null
                                    : new DicomAuditMessage.PatientNumber(r.getString("patient_id"),
                                            r.getString("issuer")))));
        }
        if (!patients.isEmpty()) {
            pool.preparedQuery("SELECT id::text AS id, patient_id, issuer FROM portal.patient WHERE id = ANY($1)")
                    .execute(Tuple.of(patients.toArray(UUID[]::new))).await().indefinitely()
                    .forEach(r -> patientIds.put(r.getString("id"), new DicomAuditMessage.PatientNumber(
                            r.getString("patient_id"), r.getString("issuer"))));
        }
        return new DicomAuditMessage.Identifiers(studyIds, patientIds);
    }

    /** Sends a batch; returns the last chain position it covers. */
    private long send(List<Entry> entries, long last) {
        if (entries.isEmpty()) {
            return last;
        }
        // the standard identifiers of studies and patients go only to a repository that proved who it is and
        // whom the portal proved itself to (mutual TLS)
        DicomAuditMessage.Identifiers ids = config.keyStore().isPresent()
                ? identifiers(entries)
                : DicomAuditMessage.Identifiers.NONE;
        List<byte[]> frames = new ArrayList<>();
        for (Entry e : entries) {
            DicomAuditMessage.of(e, source, ids).ifPresent(xml -> frames.add(sender.frame(e.at().toInstant(), xml)));
        }
        try {
            if (!frames.isEmpty()) {
                sender.send(frames);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries.getLast().seq();
    }
}
