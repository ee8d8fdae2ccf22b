package org.imageportal.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditChain.Entry;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Forwards the audit trail, in chain order, to the audit record repositories: as DICOM audit messages over
 * syslog/TLS, and as FHIR AuditEvents over HTTPS, each where configured. How far each repository has received it is kept in the database and moves only after a batch was written and the
 * connection closed cleanly, so an unreachable repository loses nothing: the next run sends from where the last
 * one stopped. With several portal instances, the one holding the destination's lease forwards; no database
 * transaction stays open while it sends. Over syslog, entries whose action has no DICOM audit event are passed over
 * (they stay in the trail and go to a FHIR repository). Blocking.
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
    private final FhirAuditConfig fhirConfig;
    private final FhirAuditSender fhir;

    /** One batch to one repository; any failure throws and nothing counts as sent. */
    private interface Batch {

        void send(List<Entry> entries) throws IOException;
    }

    AuditForwarder(Pool pool, AuditSearchService search, SyslogConfig config, AuditConfig audit, AuditSealer sealer,
            FhirAuditConfig fhirConfig) {
        this.sealer = sealer;
        this.fhirConfig = fhirConfig;
        this.pool = pool;
        this.search = search;
        this.config = config;
        this.source = new AuditSource(audit.sourceId(), audit.site().orElse(null));
        this.sender = new SyslogSender(config, audit.sourceId());
        this.fhir = new FhirAuditSender(fhirConfig, source);
    }

    @Scheduled(every = "${portal.audit.fhir.every}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledFhir() {
        runIf(fhirConfig.enabled(), this::forwardFhir, "the FHIR repository");
    }

    private static void runIf(boolean enabled, Runnable forwarding, String repository) {
        if (!enabled) {
            return;
        }
        try {
            forwarding.run();
        } catch (RuntimeException e) {
            LOG.warnf("audit forwarding to %s failed; it resumes on the next run (%s)", repository,
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Sends the entries the FHIR repository has not received yet, a Bundle per request; returns the chain position
     * it has received up to, or empty if another instance is forwarding right now.
     */
    public Optional<Long> forwardFhir() {
        // the standard identifiers of studies and patients go only to a repository the portal proves itself to
        return forward(fhir.destination(), fhirConfig.timeout(), fhirConfig.batch(),
                entries -> fhir.send(entries,
                        fhir.mutual() ? identifiers(entries) : DicomAuditMessage.Identifiers.NONE));
    }

    @Scheduled(every = "${portal.audit.syslog.every}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        runIf(config.enabled(), this::forward, "the repository");
    }

    /**
     * Sends the entries the repository has not received yet, a batch per connection; returns the chain position it
     * has received up to, or empty if another instance is forwarding right now.
     */
    public Optional<Long> forward() {
        return forward("syslog:" + config.host().orElse("-") + ":" + config.port(), config.timeout(), config.batch(),
                this::sendSyslog);
    }

    private Optional<Long> forward(String destination, java.time.Duration timeout, int batch, Batch send) {
        pool.preparedQuery("INSERT INTO portal.audit_forwarding (destination) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(destination)).await().indefinitely();
        // the repository receives entries in chain order: what was appended up to now is sealed first
        sealer.seal().await().indefinitely();
        UUID holder = UUID.randomUUID();
        // long enough for one batch's connection; a send that overruns it may be repeated by another instance
        double leaseSeconds = timeout.toSeconds() * 3.0;
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
                List<Entry> entries = search.run(last, batch).await().indefinitely();
                if (entries.isEmpty()) {
                    return Optional.of(last);
                }
                try {
                    send.send(entries);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                long next = entries.getLast().seq();
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

    /** A batch as DICOM audit messages over syslog/TLS. */
    private void sendSyslog(List<Entry> entries) throws IOException {
        // the standard identifiers of studies and patients go only to a repository that proved who it is and
        // whom the portal proved itself to (mutual TLS)
        DicomAuditMessage.Identifiers ids = config.keyStore().isPresent()
                ? identifiers(entries)
                : DicomAuditMessage.Identifiers.NONE;
        List<byte[]> frames = new ArrayList<>();
        for (Entry e : entries) {
            DicomAuditMessage.of(e, source, ids).ifPresent(xml -> frames.add(sender.frame(e.at().toInstant(), xml)));
        }
        if (!frames.isEmpty()) {
            sender.send(frames);
        }
    }
}
