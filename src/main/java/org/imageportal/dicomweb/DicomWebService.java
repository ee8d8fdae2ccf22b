package org.imageportal.dicomweb;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.dicom.InstanceMetadata;
import org.imageportal.disclosures.DisclosureLog;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.storage.StudyVault;
import org.imageportal.studies.SqlWhere;
import org.imageportal.studies.StudyRecords.InstanceRecord;
import org.imageportal.studies.StudyRecords.SeriesRecord;
import org.imageportal.studies.StudyRecords.StoredInstance;
import org.imageportal.studies.StudyRecords.StudyRecord;
import org.imageportal.studies.StudyReleaseService;
import org.imageportal.studies.StudyRepository;
import org.imageportal.studies.access.AccessDecision;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.access.StudyCaller;
import org.imageportal.studies.access.StudyScope;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Queries and retrievals of studies, always through the access policy: what is out of scope is simply not found
 * (404), so a caller cannot learn that a study exists. Retrievals are audited before any byte is sent.
 */
@ApplicationScoped
public class DicomWebService {

    private static final Logger LOG = Logger.getLogger(DicomWebService.class);

    private final AccessPolicy policy;
    private final StudyRepository repository;
    private final StudyVault vault;
    private final StudyReleaseService releases;

    private final AuditTrail audit;

    DicomWebService(AccessPolicy policy, StudyRepository repository, StudyVault vault,
            StudyReleaseService releases, AuditTrail audit) {
        this.audit = audit;
        this.releases = releases;
        this.policy = policy;
        this.repository = repository;
        this.vault = vault;
    }

    private Uni<AccessDecision> decision(StudyCaller caller, StudyAction action) {
        return policy.decide(caller, action).invoke(decision -> {
            if (decision.denied()) {
                throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
            }
        });
    }

    private Uni<StudyScope> scope(StudyCaller caller, StudyAction action) {
        return decision(caller, action).map(AccessDecision::scope);
    }

    Uni<List<StudyRecord>> studies(StudyCaller caller, QidoQuery query) {
        return scope(caller, StudyAction.QUERY).chain(scope -> {
            SqlWhere where = new SqlWhere().scope(scope);
            query.matchStudy(where);
            return repository.studies(where, query.limit, query.offset);
        }).call(found -> queried(caller, "query.studies", null, null, query, found.size()));
    }

    Uni<List<SeriesRecord>> series(StudyCaller caller, String studyUid, QidoQuery query) {
        return scope(caller, StudyAction.QUERY).chain(scope -> seriesIn(scope, studyUid, query)
                .call(found -> queried(caller, "query.series", studyUid, scope, query, found.size())));
    }

    /**
     * Every search is an audit event: who, which level, which criteria (names only, never values) and how many
     * answers. A search under one study that finds nothing although the study exists outside the caller's scope is
     * a refused access to it.
     */
    private Uni<Void> queried(StudyCaller caller, String action, String studyUid, StudyScope scope, QidoQuery query,
            int found) {
        Uni<Void> recorded = audit.record(caller.auditName(), action, "success", null,
                Map.of("criteria", query.criteriaNames(), "found", found));
        return found == 0 && studyUid != null
                ? recorded.chain(() -> refusedIfOutside(caller, action, studyUid, scope))
                : recorded;
    }

    /**
     * A study asked for by UID that exists but lies outside the caller's scope: answered 404 like an unknown one,
     * but audited as refused. A study of the caller's own that merely holds nothing matching is no refusal.
     */
    private Uni<Void> refusedIfOutside(StudyCaller caller, String action, String studyUid, StudyScope scope) {
        return repository.studyIdOf(studyUid).chain(id -> id.isEmpty()
                ? Uni.createFrom().voidItem()
                : repository.studies(new SqlWhere().scope(scope).and("s.study_uid = ?", studyUid), 1, 0)
                        .chain(inScope -> !inScope.isEmpty()
                                ? Uni.createFrom().voidItem()
                                : audit.record(caller.auditName(), action, "refused", "study:" + id.get(),
                                        Map.of("reason", "outside the caller's access"))));
    }

    private Uni<List<SeriesRecord>> seriesIn(StudyScope scope, String studyUid, QidoQuery query) {
        SqlWhere where = new SqlWhere().seriesScope(scope).and("se.instance_count > 0");
        if (studyUid != null) {
            where.and("s.study_uid = ?", studyUid);
        } else {
            query.matchStudy(where);
        }
        query.matchSeries(where);
        return repository.series(where, query.limit, query.offset);
    }

    Uni<List<InstanceRecord>> instances(StudyCaller caller, String studyUid, String seriesUid, QidoQuery query) {
        return scope(caller, StudyAction.QUERY).chain(scope -> instancesIn(scope, studyUid, seriesUid, query)
                .call(found -> queried(caller, "query.instances", studyUid, scope, query, found.size())));
    }

    private Uni<List<InstanceRecord>> instancesIn(StudyScope scope, String studyUid, String seriesUid,
            QidoQuery query) {
        SqlWhere where = new SqlWhere().instanceScope(scope);
        if (studyUid != null) {
            where.and("s.study_uid = ?", studyUid);
        } else {
            query.matchStudy(where);
        }
        if (seriesUid != null) {
            where.and("se.series_uid = ?", seriesUid);
        } else {
            query.matchSeries(where);
        }
        query.matchInstance(where);
        return repository.instances(where, query.limit, query.offset)
                .chain(found -> withRequestedAttributes(scope, found, query));
    }

    /**
     * The instances found, with the attributes {@code includefield} asks for beyond the index's return keys, read
     * from each instance's sealed metadata (off the event loop: it is decrypted). An instance whose metadata fails
     * authentication is answered with its index keys only, and the failure is logged.
     */
    private Uni<List<InstanceRecord>> withRequestedAttributes(StudyScope scope, List<InstanceRecord> found,
            QidoQuery query) {
        if (found.isEmpty() || !query.asksBeyond(DicomWebEndpoints.INSTANCE_DEFAULTS)) {
            return Uni.createFrom().item(found);
        }
        SqlWhere where = new SqlWhere().instanceScope(scope).and("i.sop_instance_uid = ANY(?)",
                (Object) found.stream().map(InstanceRecord::sopInstanceUid).toArray(String[]::new));
        return repository.stored(where).emitOn(Infrastructure.getDefaultWorkerPool()).map(stored -> {
            Map<String, StoredInstance> bySop = new java.util.HashMap<>();
            stored.forEach(s -> bySop.put(s.sopInstanceUid(), s));
            return found.stream().map(i -> {
                StoredInstance s = bySop.get(i.sopInstanceUid());
                if (s == null || s.metadata() == null) {
                    return i;
                }
                try {
                    return i.with(InstanceMetadata.of(openMetadata(s)).returnAttributes(query.includeTags,
                            query.includeAll));
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warnf("metadata of object %s could not be read for a search: %s", s.objectKey(),
                            e.getClass().getSimpleName());
                    return i;
                }
            }).toList();
        });
    }

    /**
     * The accepted instances the caller may retrieve under a study (and series, and instance); 404 if there are
     * none, whether the study does not exist, is not theirs, or holds only quarantined instances.
     */
    Uni<List<StoredInstance>> retrievable(StudyCaller caller, String studyUid, String seriesUid, String sopUid) {
        String action = sopUid != null ? "instance.retrieve" : "study.retrieve";
        return decision(caller, StudyAction.RETRIEVE).chain(decision -> storedIn(decision.scope(), studyUid, seriesUid,
                sopUid)
                .onFailure(ProblemException.class)
                .call(() -> refusedIfOutside(caller, action, studyUid, decision.scope()))
                .call(found -> releases.record(caller, decision, found.getFirst().studyId(), found,
                        sopUid != null ? "instance.retrieve" : "study.retrieve", DisclosureLog.Action.VIEW)));
    }

    /**
     * An instance found for a rendered image or thumbnail, with its release still to record: the picture is made
     * first, so that an image that cannot be decoded here is not recorded as released, and the release is recorded
     * (audited and, for a grant's physician or a link's recipient, disclosed) before the picture is sent.
     */
    record Renderable(StoredInstance instance, Uni<Void> release) {
    }

    /**
     * The instance (or, {@code sopUid} null, the middle instance of the series) the caller may retrieve, for
     * rendering; 404 and the same audit as {@link #retrievable(StudyCaller, String, String, String)} when there is none.
     */
    Uni<Renderable> renderable(StudyCaller caller, String studyUid, String seriesUid, String sopUid) {
        return decision(caller, StudyAction.RETRIEVE).chain(decision -> storedIn(decision.scope(), studyUid,
                seriesUid, sopUid)
                .onFailure(ProblemException.class)
                .call(() -> refusedIfOutside(caller, "instance.retrieve", studyUid, decision.scope()))
                .map(found -> {
                    StoredInstance one = representative(found);
                    return new Renderable(one, releases.record(caller, decision, one.studyId(), List.of(one),
                            "instance.retrieve", DisclosureLog.Action.VIEW));
                }));
    }

    /** The one instance asked for, or the middle one of a series in its order (as the archive's previews take). */
    private static StoredInstance representative(List<StoredInstance> found) {
        return found.get(found.size() / 2);
    }

    private Uni<List<StoredInstance>> storedIn(StudyScope scope, String studyUid, String seriesUid, String sopUid) {
        SqlWhere where = new SqlWhere().instanceScope(scope)
                .and("s.study_uid = ?", studyUid);
        if (seriesUid != null) {
            where.and("se.series_uid = ?", seriesUid);
        }
        if (sopUid != null) {
            where.and("i.sop_instance_uid = ?", sopUid);
        }
        return repository.stored(where).invoke(found -> {
            if (found.isEmpty()) {
                throw ProblemException.notFound();
            }
        });
    }

    /** Decrypting stream of one instance; reading it fails with an IOException if the object was tampered with. */
    InputStream open(StoredInstance instance) {
        return vault.open(instance.studyKey(), instance.studyRef(), instance.objectKey());
    }

    /** The instance's metadata as ingest sealed it into the index; an IOException if it fails authentication. */
    byte[] openMetadata(StoredInstance instance) throws IOException {
        return vault.openValue(instance.studyKey(), instance.studyRef(), instance.objectKey(),
                org.imageportal.studies.ingest.IngestService.METADATA, instance.metadata());
    }

    /** Logs an integrity failure (ids only) and turns it into the problem the client gets. */
    ProblemException integrityFailure(StoredInstance instance, IOException e) {
        String errorId = java.util.UUID.randomUUID().toString();
        LOG.errorf("integrity check failed for object %s of study %s (error id %s): %s", instance.objectKey(),
                instance.studyId(), errorId, e.getClass().getSimpleName());
        return new ProblemException(org.imageportal.platform.errors.Problem
                .of(ProblemType.INTERNAL, "a stored image failed its integrity check and was not sent")
                .withErrorId(errorId));
    }
}
