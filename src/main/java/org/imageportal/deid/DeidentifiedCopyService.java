package org.imageportal.deid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.deid.DeidentifiedCopyRepository.CopyRows;
import org.imageportal.dicom.DeidentificationOption;
import org.imageportal.dicom.Deidentifier;
import org.imageportal.dicom.DicomRejection;
import org.imageportal.identity.Actor;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.storage.StudyVault;
import org.imageportal.studies.SqlWhere;
import org.imageportal.studies.StudyCatalogRepository;
import org.imageportal.studies.StudyCatalogRepository.ArchiveFile;
import org.imageportal.studies.StudyCatalogRepository.ArchiveStudy;
import org.imageportal.studies.access.AccessDecision;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.ingest.IngestOutcome;
import org.imageportal.studies.ingest.IngestService;

/**
 * Makes a de-identified copy of a study for teaching or research: every instance through the Annex E profile with
 * the chosen options and the project's key, instances with burned-in text left out (and listed, with why) unless
 * rectangles black it out; the copy is ingested like any study (new encrypted objects under its own data key) under
 * the project's pseudonymous registry entry, which is marked de-identified. Audited as de-identification. The copy
 * is shared through the link mechanism like any study. Blocking; instances are de-identified in memory one by one.
 */
@ApplicationScoped
public class DeidentifiedCopyService {

    /** An instance left out of the copy, named by its place in the study (no UIDs), and why. */
    public record Excluded(Integer seriesNumber, String modality, Integer instanceNumber, String reason) {
    }

    /** The copy: its study row id and registry entry (for the link), and what was left out. */
    public record Copy(UUID copyStudyId, UUID copyPatientId, int instances, List<Excluded> excluded) {
    }

    /** What to make. */
    public record Request(UUID studyId, String project, Set<DeidentificationOption> options,
            List<Deidentifier.Rectangle> blackout) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeidentifiedCopyRepository copies;
    private final PatientService patients;
    private final StudyCatalogRepository catalog;
    private final StudyVault vault;
    private final IngestService ingest;
    private final AuditTrail audit;
    private final AccessPolicy policy;

    DeidentifiedCopyService(DeidentifiedCopyRepository copies, PatientService patients,
            StudyCatalogRepository catalog, StudyVault vault, IngestService ingest, AuditTrail audit,
            AccessPolicy policy) {
        this.policy = policy;
        this.copies = copies;
        this.patients = patients;
        this.catalog = catalog;
        this.vault = vault;
        this.ingest = ingest;
        this.audit = audit;
    }

    public Copy copy(Actor actor, Request request) {
        AccessDecision decision = mayDeidentify(actor);
        String project = projectName(request);
        ArchiveStudy study = sourceStudy(decision, request.studyId());
        List<ArchiveFile> files = catalog.archiveFiles(study.id()).await().indefinitely();
        UUID projectId = UUID.randomUUID();
        byte[] key = projectKey(actor, project, projectId);
        Deidentifier.Settings settings = new Deidentifier.Settings(request.options(), key,
                request.blackout() == null ? List.of() : request.blackout());
        Ingested ingested = deidentifyEachInstance(actor, study, files, settings);
        if (ingested.studyUid() == null) {
            throw new ProblemException(ProblemType.CONFLICT, "no instance of this study could be de-identified ("
                    + ingested.excluded().size() + " left out)");
        }
        CopyRows copy = copyRows(ingested.studyUid());
        recordCopy(actor, request, project, study, copy, ingested);
        return new Copy(copy.study(), copy.patient(), ingested.stored(), ingested.excluded());
    }

    private AccessDecision mayDeidentify(Actor actor) {
        AccessDecision decision = policy.decide(actor, StudyAction.DEIDENTIFY).await().indefinitely();
        if (decision.denied()) {
            throw new ProblemException(ProblemType.FORBIDDEN, "only the front desk makes de-identified copies");
        }
        return decision;
    }

    /** The longest project name. */
    public static final int PROJECT_MAX = 100;

    /**
     * The project's name as it keys the pseudonyms, once the request is known to be one the portal can make: every
     * field at fault is named at once.
     */
    private static String projectName(Request request) {
        List<Problem.Violation> wrong = new ArrayList<>();
        String project = request.project() == null ? "" : request.project().strip();
        if (project.isEmpty()) {
            wrong.add(new Problem.Violation("project",
                    "name the project: it keys the pseudonyms, so the same project maps a patient the same way"));
        } else if (project.length() > PROJECT_MAX) {
            wrong.add(new Problem.Violation("project", "a project's name has at most " + PROJECT_MAX
                    + " characters; this one has " + project.length()));
        }
        Set<DeidentificationOption> options = request.options() == null ? Set.of() : request.options();
        if (options.contains(DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES)
                && options.contains(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            wrong.add(new Problem.Violation("options",
                    "choose either keeping the dates or shifting them, not both"));
        }
        if (options.contains(DeidentificationOption.RETAIN_UIDS)) {
            // the copy would carry the original's UIDs: ingest would take it for the original study itself
            wrong.add(new Problem.Violation("options", "a copy kept in the portal needs identifiers of its own: "
                    + "with the original UIDs it would be taken for the original study"));
        }
        if (!wrong.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.VALIDATION, wrong.getFirst().message())
                    .withViolations(wrong));
        }
        return project;
    }

    /** The study to copy, within the caller's scope; a de-identified copy is not copied again. */
    private ArchiveStudy sourceStudy(AccessDecision decision, UUID studyId) {
        ArchiveStudy study = catalog.archiveStudy(new SqlWhere().scope(decision.scope()).and("s.id = ?", studyId))
                .await().indefinitely().orElseThrow(ProblemException::notFound);
        if (isDeidentified(study.patientRef())) {
            throw ProblemException.invalid("already de-identified", "studyId", "this study is a de-identified copy");
        }
        return study;
    }

    /** What became of the study's instances: the copy's Study Instance UID, how many were stored, what was not. */
    private record Ingested(String studyUid, int stored, List<Excluded> excluded) {
    }

    /** Each instance de-identified and ingested as a new study, one by one; what cannot be is left out. */
    private Ingested deidentifyEachInstance(Actor actor, ArchiveStudy study, List<ArchiveFile> files,
            Deidentifier.Settings settings) {
        List<Excluded> excluded = new ArrayList<>();
        String copyStudyUid = null;
        int stored = 0;
        for (ArchiveFile f : files) {
            Deidentifier.Result result;
            try {
                result = deidentified(study, f, settings);
            } catch (DicomRejection e) {
                excluded.add(leftOut(f, e.getMessage()));
                continue;
            }
            if (result.excluded()) {
                excluded.add(leftOut(f, result.excludedBecause()));
                continue;
            }
            IngestOutcome.Stored s = ingested(actor, result);
            if (s != null) {
                copyStudyUid = s.studyUid();
                stored++;
            } else {
                excluded.add(leftOut(f, "the de-identified instance was not stored"));
            }
        }
        return new Ingested(copyStudyUid, stored, excluded);
    }

    private Deidentifier.Result deidentified(ArchiveStudy study, ArchiveFile f, Deidentifier.Settings settings)
            throws DicomRejection {
        try (InputStream in = vault.open(study.key(), study.id().toString(), f.objectKey())) {
            return Deidentifier.deidentify(in.readAllBytes(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The de-identified instance ingested like any other; null unless it was stored outside quarantine. */
    private IngestOutcome.Stored ingested(Actor actor, Deidentifier.Result result) {
        IngestOutcome outcome = ingest.ingest(new java.io.ByteArrayInputStream(result.part10()),
                IngestService.Target.any(), actor);
        return outcome instanceof IngestOutcome.Stored s && s.quarantine() == null ? s : null;
    }

    private static Excluded leftOut(ArchiveFile f, String reason) {
        return new Excluded(f.seriesNumber(), f.modality(), f.instanceNumber(), reason);
    }

    private CopyRows copyRows(String studyUid) {
        return copies.copyRows(studyUid).await().indefinitely();
    }

    /**
     * In one transaction: the copy's registry entry marked de-identified, the copy recorded under its project, and
     * the audit entry.
     */
    private void recordCopy(Actor actor, Request request, String project, ArchiveStudy study, CopyRows copy,
            Ingested ingested) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("copy", copy.study().toString());
        detail.put("project", project);
        detail.put("options", request.options().stream().map(Enum::name).sorted().toList());
        detail.put("instances", ingested.stored());
        detail.put("excluded", ingested.excluded().size());
        copies.pool().withTransaction(tx -> patients.markDeidentified(tx, copy.patient())
                .chain(() -> copies.insertCopy(tx, project, study.id(), copy, request.options(), ingested.stored(),
                        ingested.excluded().size(), actor.subject()))
                .chain(() -> audit.record(tx, actor.subject(), "deid.created", "success", "study:" + study.id(),
                        detail)))
                .await().indefinitely();
    }

    /** The project's key, made the first time the project is named. */
    private byte[] projectKey(Actor actor, String name, UUID id) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        return copies.projectKey(id, name, fresh, actor.subject()).await().indefinitely();
    }

    private boolean isDeidentified(UUID patient) {
        return patient != null && patients.isDeidentified(patient).await().indefinitely();
    }
}
