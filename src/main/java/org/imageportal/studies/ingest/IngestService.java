package org.imageportal.studies.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.dicom.DicomRejection;
import org.imageportal.dicom.DicomStreamException;
import org.imageportal.dicom.InstanceHeader;
import org.imageportal.dicom.Part10Instance;
import org.imageportal.dicom.Part10Reader;
import org.imageportal.identity.Actor;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.http.TextInputFilter;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.StudyVault;
import org.imageportal.studies.PendingObjectRepository;
import org.imageportal.studies.StudyRepository;
import org.imageportal.studies.StudyRepository.Hold;
import org.imageportal.studies.StudyRepository.StudyKeyRow;
import org.imageportal.studies.ingest.IdentityCheck.Accept;
import org.imageportal.studies.ingest.IdentityCheck.Decision;
import org.imageportal.studies.ingest.IdentityCheck.KnownPatient;
import org.imageportal.studies.ingest.IdentityCheck.Quarantine;
import org.imageportal.studies.ingest.IdentityCheck.StudyContext;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.pgclient.PgException;

/**
 * Stores instances: read and check the header, encrypt into the object store under an opaque key, decide on the
 * patient, then index and audit in one transaction. Anything that fails after the upload removes the object again;
 * a crash in between leaves a pending-object row for the sweeper. Blocking: runs on worker and virtual threads.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final StudyRepository repository;
    private final PendingObjectRepository pending;
    private final PatientService patients;
    private final StudyVault vault;
    private final AuditTrail audit;
    private final NotificationService notifications;
    private final Part10Reader.Limits limits;

    IngestService(StudyRepository repository, PendingObjectRepository pending, PatientService patients,
            StudyVault vault, AuditTrail audit, NotificationService notifications, IngestConfig config) {
        this.repository = repository;
        this.pending = pending;
        this.patients = patients;
        this.vault = vault;
        this.audit = audit;
        this.notifications = notifications;
        this.limits = new Part10Reader.Limits(config.maxInstanceSize().asLongValue(),
                (int) Math.min(Integer.MAX_VALUE - 8, config.maxHeaderSize().asLongValue()));
    }

    /** Where an instance is going: the study named in the STOW path, the patient an upload is for. */
    public record Target(Optional<String> studyUid, Optional<UUID> patientId) {

        public static Target any() {
            return new Target(Optional.empty(), Optional.empty());
        }
    }

    /** Stores one instance (a batch of one). */
    public IngestOutcome ingest(InputStream source, Target target, Actor actor) {
        Batch batch = batch(target, actor);
        batch.add(source);
        return batch.finish().getFirst();
    }

    /** A batch for the instances of one request, stored in arrival order. */
    public Batch batch(Target target, Actor actor) {
        return new Batch(target, actor);
    }

    /**
     * The instances of one request. Each is read, checked and encrypted on the caller's thread; its upload to the
     * object store then overlaps the reading of the next ones (a store PUT is the slowest step, tens of ms), while
     * the identity decision and indexing still happen one instance after the other, in arrival order, so every
     * decision sees the instances stored before it exactly as if the request were handled serially. At most
     * {@link #IN_FLIGHT} small instances wait in memory per request; large ones are stored while they stream.
     */
    public final class Batch {

        private final Target target;
        private final Actor actor;
        private final Semaphore slots = new Semaphore(IN_FLIGHT);
        private final List<CompletableFuture<IngestOutcome>> outcomes = new ArrayList<>();
        private CompletableFuture<IngestOutcome> last = CompletableFuture.completedFuture(null);

        private Batch(Target target, Actor actor) {
            this.target = target;
            this.actor = actor;
        }

        /** Records an outcome decided by the caller (e.g. a part that is not DICOM), in its place. */
        public void add(IngestOutcome outcome) {
            outcomes.add(CompletableFuture.completedFuture(outcome));
        }

        /** Reads the next instance from {@code source} (to its end) and stores it. */
        public void add(InputStream source) {
            Part10Instance instance;
            try {
                instance = Part10Reader.open(source, limits);
            } catch (DicomRejection e) {
                add(failed(null, e));
                return;
            } catch (IOException e) {
                add(new IngestOutcome.Failed("", "", IngestOutcome.PROCESSING_FAILURE, "the upload was interrupted"));
                return;
            }
            InstanceHeader header = instance.header();
            if (!storable(header)) {
                add(new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                        IngestOutcome.CANNOT_UNDERSTAND,
                        "a text attribute contains a control character (such as NUL) that cannot be indexed"));
                return;
            }
            if (target.studyUid().isPresent() && !target.studyUid().get().equals(header.studyInstanceUid())) {
                add(new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                        IngestOutcome.DOES_NOT_MATCH,
                        "the instance belongs to another study than the one in the request"));
                return;
            }
            var existing = storedInstance(header.sopInstanceUid());
            if (existing.isPresent()) {
                add(compareWithExisting(instance, existing.get().sha256()));
                return;
            }
            StudyKeyRow study = findOrCreateStudy(header);
            ObjectKey key = ObjectKey.random("i");
            addPending(key);
            StudyVault.Sealed sealed;
            try {
                sealed = vault.seal(study.key(), study.id().toString(), key, instance.content());
            } catch (IOException | RuntimeException e) {
                cleanUp(key, study);
                add(readingFailed(header, e));
                return;
            }
            if (sealed instanceof StudyVault.Streaming) {
                // too large to hold: everything before it is indexed first, then it is stored as it streams
                await(last);
                add(storeAndIndex(instance, study, key, sealed));
                return;
            }
            slots.acquireUninterruptibly();
            CompletableFuture<Throwable> stored = CompletableFuture.runAsync(() -> vault.store(sealed), UPLOADS)
                    .handle((ok, error) -> error);
            CompletableFuture<IngestOutcome> before = last.handle((outcome, error) -> outcome);
            CompletableFuture<IngestOutcome> outcome = stored.thenCombine(before, (error, previous) -> error)
                    .thenApplyAsync(error -> error == null
                            ? index(instance, study, key, instance.size())
                            : storeFailed(header, key, study, error), UPLOADS)
                    .exceptionally(error -> couldNotStore(header, "storing", error))
                    .whenComplete((done, error) -> slots.release());
            outcomes.add(outcome);
            last = outcome;
        }

        /** Waits for every instance and returns their outcomes in arrival order. */
        public List<IngestOutcome> finish() {
            List<IngestOutcome> all = new ArrayList<>(outcomes.size());
            for (CompletableFuture<IngestOutcome> outcome : outcomes) {
                all.add(await(outcome));
            }
            return all;
        }

        private IngestOutcome storeAndIndex(Part10Instance instance, StudyKeyRow study, ObjectKey key,
                StudyVault.Sealed sealed) {
            try {
                vault.store(sealed);
            } catch (RuntimeException e) {
                return storeFailed(instance.header(), key, study, e);
            }
            return index(instance, study, key, instance.size());
        }

        /** Decides on the patient with the study as it is now (after the instances before), then indexes. */
        private IngestOutcome index(Part10Instance instance, StudyKeyRow study, ObjectKey key, long size) {
            InstanceHeader header = instance.header();
            StudyKeyRow current = currentStudy(header.studyInstanceUid()).orElse(study);
            Decision decision = decide(header, current, target);
            byte[] sha256 = instance.sha256();
            try {
                // the metadata WADO-RS answers with, kept encrypted in the index so it is not read from the images
                byte[] metadata = vault.sealValue(study.key(), study.id().toString(), key, METADATA,
                        instance.metadata().bytes());
                IngestService.this.index(study, header, decision, key, size, sha256, metadata, actor).await()
                        .indefinitely();
            } catch (RuntimeException e) {
                cleanUp(key, study);
                if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                    // an earlier instance of this or another request stored the same SOP Instance UID first
                    var winner = storedInstance(header.sopInstanceUid());
                    if (winner.isPresent()) {
                        return MessageDigest.isEqual(winner.get().sha256(), sha256)
                                ? stored(header, null, true)
                                : duplicateWithOtherContent(header);
                    }
                }
                LOG.errorf("indexing an instance failed: %s", e.getClass().getSimpleName());
                return new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                        IngestOutcome.PROCESSING_FAILURE, "the instance could not be indexed; try again");
            }
            return stored(header, decision instanceof Quarantine q ? q.reason() : null, false);
        }
    }

    private static final int IN_FLIGHT = 3;

    /** Whether every text value of the header (including the patient's) can be kept in the index. */
    static boolean storable(Record header) {
        for (java.lang.reflect.RecordComponent component : header.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(header);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value instanceof String text && !TextInputFilter.storable(text)
                    || value instanceof Record nested && !storable(nested)) {
                return false;
            }
        }
        return true;
    }

    /** The purpose an instance's metadata is sealed under (see {@link StudyVault#sealValue}). */
    public static final String METADATA = "metadata";

    // the batch reaches the repository only through these, as the rest of the service does

    private Optional<StudyRepository.ExistingInstance> storedInstance(String sopInstanceUid) {
        return repository.findInstance(sopInstanceUid).await().indefinitely();
    }

    private void addPending(ObjectKey key) {
        pending.add(key).await().indefinitely();
    }

    private Optional<StudyKeyRow> currentStudy(String studyUid) {
        return repository.findStudy(studyUid).await().indefinitely();
    }
    private static final ExecutorService UPLOADS = Executors.newVirtualThreadPerTaskExecutor();

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("an ingest step failed", e.getCause());
        }
    }

    private IngestOutcome readingFailed(InstanceHeader header, Throwable e) {
        Optional<DicomStreamException> rejection = find(e, DicomStreamException.class);
        if (rejection.isPresent()) {
            return failed(header, rejection.get().rejection());
        }
        if (e instanceof IOException) {
            return new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                    IngestOutcome.PROCESSING_FAILURE, "the upload was interrupted");
        }
        return couldNotStore(header, "encrypting", e);
    }

    private IngestOutcome storeFailed(InstanceHeader header, ObjectKey key, StudyKeyRow study, Throwable e) {
        cleanUp(key, study);
        Optional<DicomStreamException> rejection = find(e, DicomStreamException.class);
        if (rejection.isPresent()) {
            return failed(header, rejection.get().rejection());
        }
        return couldNotStore(header, "storing", e);
    }

    /** An unexpected failure: the log names the step and the exception type (never a value), the client may retry. */
    private static IngestOutcome couldNotStore(InstanceHeader header, String step, Throwable e) {
        LOG.errorf("%s an instance failed: %s", step, e.getClass().getSimpleName());
        return new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                IngestOutcome.PROCESSING_FAILURE, "the instance could not be stored; try again");
    }

    /** A new study gets its data key here, on this worker thread; most instances join an existing study. */
    private StudyKeyRow findOrCreateStudy(InstanceHeader header) {
        Optional<StudyKeyRow> existing = repository.findStudy(header.studyInstanceUid()).await().indefinitely();
        if (existing.isPresent()) {
            return existing.get();
        }
        UUID id = UUID.randomUUID();
        return repository.createStudy(id, header, vault.newStudyKey(id.toString())).await().indefinitely();
    }

    private Decision decide(InstanceHeader header, StudyKeyRow study, Target target) {
        Optional<StudyContext> context = study.patientRef() == null
                ? Optional.empty()
                : Optional.of(new StudyContext(study.patientRef(), study.identity()));
        Optional<KnownPatient> targetPatient = target.patientId()
                .flatMap(id -> patients.indexed(id).await().indefinitely())
                .map(p -> new KnownPatient(p.id(), p.identity()));
        Optional<KnownPatient> registered = target.patientId().isPresent() || header.patient().patientId().isEmpty()
                ? Optional.empty()
                : patients.indexed(header.patient().patientId(), header.patient().issuer()).await()
                        .indefinitely().map(p -> new KnownPatient(p.id(), p.identity()));
        return IdentityCheck.decide(header.patient(), context, targetPatient, registered);
    }

    /**
     * Indexes and audits the stored instance in one transaction; the study's first accepted instance makes it the
     * patient's, which is a new-study notification (e-mailed after the commit).
     */
    private Uni<Void> index(StudyKeyRow study, InstanceHeader header, Decision decision, ObjectKey key, long size,
            byte[] sha256, byte[] metadata, Actor actor) {
        UUID[] newStudyOf = new UUID[1];
        return repository.pool().withTransaction(tx -> {
            Uni<UUID> patient = switch (decision) {
                case Accept accept when accept.patientRef() != null -> Uni.createFrom().item(accept.patientRef());
                case Accept accept -> patients.ensureIndexed(tx, header.patient());
                case Quarantine quarantine -> Uni.createFrom().nullItem();
            };
            Hold hold = decision instanceof Quarantine q
                    ? new Hold(q.reason().name(), String.join(",", q.fields()), q.proposedPatient())
                    : null;
            String reason = hold == null ? null : hold.reason();
            String detail = hold == null ? null : hold.fields();
            // the study's counters are updated last: concurrent requests for one study queue on its row lock,
            // which is then held only until the commit
            return patient.chain(patientId -> repository.ensureSeries(tx, study.id(), header)
                    .chain(seriesId -> repository.insertInstance(tx, study.id(), seriesId, header, key, size, sha256,
                            metadata, hold)
                            .chain(instanceId -> (patientId == null
                                    ? Uni.createFrom().voidItem()
                                    : linkStudy(tx, study, header, patientId, newStudyOf))
                                    .chain(() -> pending.remove(tx, key))
                                    .chain(() -> audit.record(tx, actor.subject(),
                                            reason == null ? "instance.store" : "instance.quarantine", "success",
                                            "instance:" + instanceId, detail(study, reason, detail)))
                                    .chain(() -> hold == null
                                            ? repository.countAccepted(tx, study.id(), seriesId, size)
                                            : Uni.createFrom().voidItem()))));
        }).invoke(() -> {
            if (newStudyOf[0] != null) {
                notifications.email(newStudyOf[0], Kind.NEW_STUDY);
            }
        });
    }

    private Uni<Void> linkStudy(SqlClient tx, StudyKeyRow study, InstanceHeader header,
            UUID patientId, UUID[] newStudyOf) {
        return repository.linkStudy(tx, study.id(), patientId).chain(linked -> {
            if (!linked) {
                return Uni.createFrom().voidItem();
            }
            newStudyOf[0] = patientId;
            return notifications.recordNewStudy(tx, patientId, header.studyDescription(), header.studyDate());
        });
    }

    private static Map<String, Object> detail(StudyKeyRow study, String reason, String fields) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("study", study.id().toString());
        if (reason != null) {
            detail.put("reason", reason);
            detail.put("fields", fields);
        }
        return detail;
    }

    private IngestOutcome compareWithExisting(Part10Instance instance, byte[] storedSha256) {
        InstanceHeader header = instance.header();
        try (InputStream content = instance.content()) {
            content.transferTo(OutputStream.nullOutputStream());
        } catch (DicomStreamException e) {
            return failed(header, e.rejection());
        } catch (IOException e) {
            return new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                    IngestOutcome.PROCESSING_FAILURE, "the upload was interrupted");
        }
        return MessageDigest.isEqual(instance.sha256(), storedSha256)
                ? stored(header, null, true)
                : duplicateWithOtherContent(header);
    }

    private static IngestOutcome duplicateWithOtherContent(InstanceHeader header) {
        return new IngestOutcome.Failed(header.sopClassUid(), header.sopInstanceUid(),
                IngestOutcome.DUPLICATE_SOP_INSTANCE,
                "an instance with this SOP Instance UID is already stored with different content");
    }

    private static IngestOutcome stored(InstanceHeader header, QuarantineReason quarantine, boolean already) {
        return new IngestOutcome.Stored(header.sopClassUid(), header.sopInstanceUid(), header.studyInstanceUid(),
                header.seriesInstanceUid(), quarantine, already);
    }

    private void cleanUp(ObjectKey key, StudyKeyRow study) {
        try {
            vault.delete(key);
            pending.remove(key).await().indefinitely();
            if (study.created()) {
                repository.deleteStudyIfEmpty(study.id()).await().indefinitely();
            }
        } catch (RuntimeException e) {
            // the pending-object row stays; the sweeper removes the object later
            LOG.warnf("clean-up after a failed ingest is incomplete (%s); the sweeper will finish it",
                    e.getClass().getSimpleName());
        }
    }

    private static IngestOutcome.Failed failed(InstanceHeader header, DicomRejection rejection) {
        int reason = switch (rejection.reason()) {
            case NOT_DICOM, TRUNCATED, INVALID_ATTRIBUTE -> IngestOutcome.CANNOT_UNDERSTAND;
            case UNSUPPORTED_TRANSFER_SYNTAX -> IngestOutcome.TRANSFER_SYNTAX_NOT_SUPPORTED;
            case UNSUPPORTED_SOP_CLASS, MEDIA_DIRECTORY -> IngestOutcome.SOP_CLASS_NOT_SUPPORTED;
            case TOO_LARGE -> IngestOutcome.OUT_OF_RESOURCES;
        };
        return new IngestOutcome.Failed(header == null ? rejection.sopClassUid() : header.sopClassUid(),
                header == null ? rejection.sopInstanceUid() : header.sopInstanceUid(), reason, rejection.getMessage());
    }

    private static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
