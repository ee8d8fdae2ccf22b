package org.imageportal.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.DirectoryRecords;
import org.imageportal.dicom.MediaDirectory;
import org.imageportal.dicom.PreviewImage;
import org.imageportal.disclosures.DisclosureLog;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.storage.StudyVault;
import org.imageportal.studies.ReadAhead;
import org.imageportal.studies.SqlWhere;
import org.imageportal.studies.StudyCatalogRepository;
import org.imageportal.studies.StudyCatalogRepository.ArchiveFile;
import org.imageportal.studies.StudyCatalogRepository.ArchiveStudy;
import org.imageportal.studies.StudyRecords.StoredInstance;
import org.imageportal.studies.StudyReleaseService;
import org.imageportal.studies.StudySummary;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.access.StudyCaller;
import org.imageportal.studies.access.StudyScope;

import io.smallrye.mutiny.Uni;

/**
 * What a person sees of their studies and takes home. The archive is a ZIP holding a PS3.10 file set (the DICOM
 * files exactly as they were received, under {@code DICOM/}, and a DICOMDIR), a README, and a PNG preview of a
 * representative image per series. It streams: the README and DICOMDIR are built from the index and sent at once,
 * then each instance is decrypted straight into the ZIP, so memory stays flat whatever the study's size.
 */
@ApplicationScoped
public class StudyArchiveService {

    /** Instances larger than this get no preview (rendering reads one instance into memory). */
    static final long PREVIEW_LIMIT = 64L << 20;
    private static final int READ_AHEAD = 2;
    /** Objects larger than this are referenced without the keys read from their file (a header held in memory). */
    static final long KEYS_LIMIT = 64L << 20;

    private final AccessPolicy policy;
    private final StudyCatalogRepository catalog;
    private final StudyVault vault;
    private final StudyReleaseService releases;

    StudyArchiveService(AccessPolicy policy, StudyCatalogRepository catalog, StudyVault vault,
            StudyReleaseService releases) {
        this.policy = policy;
        this.catalog = catalog;
        this.vault = vault;
        this.releases = releases;
    }

    /** A study ready to be streamed as an archive. */
    public record Archive(ArchiveStudy study, List<ArchiveFile> files) {

        /** A download name that names nothing about the patient. */
        public String fileName() {
            return "study-" + study.id().toString().substring(0, 8) + ".zip";
        }
    }

    /** The patient a study belongs to, if the actor may retrieve the study; empty otherwise. */
    public Uni<Optional<UUID>> patientOf(Actor actor, UUID studyId) {
        return patientOf(actor, studyId, StudyAction.RETRIEVE);
    }

    /** The patient a study belongs to, if the policy lets the actor reach it for the action; empty otherwise. */
    public Uni<Optional<UUID>> patientOf(Actor actor, UUID studyId, StudyAction action) {
        return reachable(actor, studyId, action).map(found -> found.map(ArchiveStudy::patientRef));
    }

    /** The Study Instance UID, if the actor may retrieve the study (for the viewer); empty otherwise. */
    public Uni<Optional<String>> studyUid(Actor actor, UUID studyId) {
        return reachable(actor, studyId).map(found -> found.map(ArchiveStudy::studyUid));
    }

    /** The UIDs of the series with accepted instances in a study (to check a chosen scope against). */
    public Uni<List<String>> seriesUids(UUID studyId) {
        return catalog.seriesUids(studyId);
    }

    private Uni<Optional<ArchiveStudy>> reachable(Actor actor, UUID studyId) {
        return reachable(actor, studyId, StudyAction.RETRIEVE);
    }

    private Uni<Optional<ArchiveStudy>> reachable(Actor actor, UUID studyId, StudyAction action) {
        return policy.decide(actor, action).chain(decision -> decision.denied()
                ? Uni.createFrom().item(Optional.<ArchiveStudy>empty())
                : catalog.archiveStudy(new SqlWhere().scope(decision.scope()).and("s.id = ?", studyId)));
    }

    /** Studies of a scope that spans patients (staff): the newest this many; search QIDO-RS for the rest. */
    static final int STAFF_LIST_LIMIT = 200;

    /**
     * The studies the actor may see, newest first: a patient all of their own (what they share from), staff the
     * newest {@value #STAFF_LIST_LIMIT} of theirs.
     */
    public Uni<List<StudySummary>> list(Actor actor) {
        int limit = actor.has(Role.PATIENT) ? Integer.MAX_VALUE : STAFF_LIST_LIMIT;
        return policy.decide(actor, StudyAction.QUERY)
                .chain(decision -> catalog.summaries(new SqlWhere().scope(decision.scope()), limit));
    }

    /** A page (from 1) of the studies the actor may see, newest first. */
    public Uni<StudySummary.Page> page(Actor actor, int number, int size) {
        return policy.decide(actor, StudyAction.QUERY)
                .chain(decision -> catalog.summaryPage(new SqlWhere().scope(decision.scope()), number, size));
    }

    /** All of one patient's studies as the actor may see them (the front desk for the patient), newest first. */
    public Uni<List<StudySummary>> listForPatient(Actor actor, UUID patient) {
        return policy.decide(actor, StudyAction.QUERY).chain(decision -> catalog.summaries(
                new SqlWhere().scope(decision.scope()).and("s.patient_ref = ?", patient), Integer.MAX_VALUE));
    }

    /**
     * The study as an archive if the caller may download it; 404 otherwise, whether it does not exist or is not
     * theirs, and 403 (audited as refused) where they may view it but not take it away. The download is audited,
     * and disclosed to a grant's physician or a link's recipient, before any byte is sent.
     */
    public Uni<Archive> prepare(StudyCaller caller, UUID studyId) {
        return policy.decide(caller, StudyAction.DOWNLOAD).chain(decision -> archiveIn(decision.scope(), studyId)
                .chain(found -> {
                    if (found.isPresent()) {
                        Archive archive = found.get();
                        return releases.record(caller, decision, studyId, archive.files().size(), "study.download",
                                DisclosureLog.Action.DOWNLOAD, StudyCatalogRepository.anyReport(archive.files()))
                                .replaceWith(archive);
                    }
                    return policy.decide(caller, StudyAction.RETRIEVE).chain(view -> archiveIn(view.scope(), studyId))
                            .chain(viewable -> viewable.isEmpty()
                                    ? Uni.createFrom().failure(ProblemException.notFound())
                                    : releases.refuseDownload(caller, studyId));
                }));
    }

    /** The study with the files the scope covers, if the scope reaches it. */
    public Uni<Optional<Archive>> archiveIn(StudyScope scope, UUID studyId) {
        if (scope instanceof StudyScope.Denied) {
            return Uni.createFrom().item(Optional.empty());
        }
        return catalog.archiveStudy(new SqlWhere().scope(scope).and("s.id = ?", studyId))
                .chain(found -> found.isEmpty()
                        ? Uni.createFrom().item(Optional.<Archive>empty())
                        : catalog.archiveFiles(found.get().id()).map(files -> Optional.of(new Archive(found.get(),
                                files.stream().filter(f -> scope.coversSeries(found.get().id(), f.seriesUid()))
                                        .toList()))));
    }

    /** Writes the archive. Blocking: call from a worker thread; a stored object failing its check cuts the stream. */
    public void write(Archive archive, OutputStream target) throws IOException {
        ArchiveStudy study = archive.study();
        List<ArchiveFile> files = archive.files();
        List<List<String>> fileIds = fileIds(files);
        ZipOutputStream zip = new ZipOutputStream(target, StandardCharsets.UTF_8);
        zip.setLevel(Deflater.BEST_SPEED);
        entry(zip, "README.txt", readme(study, files).getBytes(StandardCharsets.UTF_8));
        entry(zip, "DICOMDIR", dicomdir(study, files, fileIds, fileKeys(study, files)));
        zip.flush();
        List<StoredInstance> stored = files.stream().map(f -> stored(study, f)).toList();
        // images are stored, not deflated: on two cores deflating held a 1 GB download to about 30 MB/s, for a
        // fifth saved; the small text and preview entries around them are deflated
        zip.setLevel(Deflater.NO_COMPRESSION);
        try (ReadAhead ahead = new ReadAhead(stored, 0, READ_AHEAD, this::openStarted)) {
            for (int i = 0; i < files.size(); i++) {
                zip.putNextEntry(new ZipEntry(String.join("/", fileIds.get(i))));
                try (InputStream in = ahead.next()) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
        zip.setLevel(Deflater.BEST_SPEED);
        for (Map.Entry<String, ArchiveFile> preview : representatives(files, fileIds).entrySet()) {
            StoredInstance representative = stored(study, preview.getValue());
            Optional<byte[]> png = PreviewImage.png(() -> open(representative));
            if (png.isPresent()) {
                entry(zip, "PREVIEW/" + preview.getKey() + ".png", png.get());
            }
        }
        zip.finish();
        zip.flush();
    }

    public InputStream open(StoredInstance instance) {
        return vault.open(instance.studyKey(), instance.studyRef(), instance.objectKey());
    }

    private InputStream openStarted(StoredInstance instance) {
        try {
            return ReadAhead.started(open(instance));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static StoredInstance stored(ArchiveStudy study, ArchiveFile f) {
        return new StoredInstance(study.id(), study.studyUid(), f.seriesUid(), f.sopInstanceUid(), f.transferSyntax(),
                f.objectKey(), f.size(), study.key(), null);
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    /** File IDs {@code DICOM/SEnnnnnn/IMnnnnnn}: numbered series and instances, nothing taken from the data. */
    public static List<List<String>> fileIds(List<ArchiveFile> files) {
        List<List<String>> ids = new ArrayList<>();
        Map<String, Integer> seriesNumbers = new LinkedHashMap<>();
        Map<String, Integer> counters = new LinkedHashMap<>();
        for (ArchiveFile f : files) {
            int series = seriesNumbers.computeIfAbsent(f.seriesUid(), k -> seriesNumbers.size() + 1);
            int image = counters.merge(f.seriesUid(), 1, Integer::sum);
            ids.add(List.of("DICOM", "SE%06d".formatted(series), "IM%06d".formatted(image)));
        }
        return ids;
    }

    /**
     * The directory keys of the objects other than images (reports, documents, presentation states...), which the
     * index does not hold: read from their files, which are few and mostly small, before the directory is written.
     */
    private Map<Integer, DirectoryRecords.FileKeys> fileKeys(ArchiveStudy study, List<ArchiveFile> files)
            throws IOException {
        Map<Integer, DirectoryRecords.FileKeys> keys = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            ArchiveFile f = files.get(i);
            int index = i;
            if (DirectoryRecords.needsFileKeys(f.sopClassUid()) && f.size() <= KEYS_LIMIT) {
                try (InputStream in = open(stored(study, f))) {
                    DirectoryRecords.read(in, (int) KEYS_LIMIT).ifPresent(k -> keys.put(index, k));
                }
            }
        }
        return keys;
    }

    private static byte[] dicomdir(ArchiveStudy study, List<ArchiveFile> files, List<List<String>> fileIds,
            Map<Integer, DirectoryRecords.FileKeys> keys) {
        List<MediaDirectory.Entry> entries = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            ArchiveFile f = files.get(i);
            entries.add(new MediaDirectory.Entry(fileIds.get(i), f.seriesUid(), f.modality(), f.seriesNumber(),
                    f.sopClassUid(), f.sopInstanceUid(), f.transferSyntax(), f.instanceNumber(), keys.get(i)));
        }
        return MediaDirectory.encode(
                new MediaDirectory.Patient(study.patientId(), study.patientName(), study.birthDate(), study.sex()),
                new MediaDirectory.Study(study.studyUid(), study.studyDate(), study.studyTime(), study.description(),
                        study.studyId(), study.accessionNumber()),
                entries);
    }

    /** Per series, its middle instance (by order) when it is small enough to render: preview name to file. */
    private static Map<String, ArchiveFile> representatives(List<ArchiveFile> files, List<List<String>> fileIds) {
        Map<String, List<Integer>> bySeries = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            bySeries.computeIfAbsent(fileIds.get(i).get(1), k -> new ArrayList<>()).add(i);
        }
        Map<String, ArchiveFile> out = new LinkedHashMap<>();
        bySeries.forEach((series, indexes) -> {
            ArchiveFile middle = files.get(indexes.get(indexes.size() / 2));
            if (middle.size() <= PREVIEW_LIMIT) {
                out.put(series, middle);
            }
        });
        return out;
    }

    private static String readme(ArchiveStudy study, List<ArchiveFile> files) {
        long series = files.stream().map(ArchiveFile::seriesUid).distinct().count();
        String date = study.studyDate().length() == 8
                ? study.studyDate().substring(0, 4) + "-" + study.studyDate().substring(4, 6) + "-"
                        + study.studyDate().substring(6)
                : "unknown";
        return """
                Your imaging study
                ==================

                Study date:   %s
                Description:  %s
                Contents:     %d series, %d images (DICOM files)

                What is in this archive
                - DICOMDIR and the DICOM folder: the images exactly as the practice stored them, laid out as on a
                  DICOM CD (DICOM Part 10 media). Open DICOMDIR, or the DICOM folder, with any DICOM viewer, or give
                  the whole archive to your doctor or another practice; their systems can import it.
                - PREVIEW: one picture per series that opens on any computer. Previews are for orientation only
                  and are not suitable for diagnosis.

                Keep this archive private: it contains your health information. If you share it, share it only
                with people you trust, such as your doctors.
                """.formatted(date, study.description().isBlank() ? "(none)" : study.description(), series,
                files.size());
    }
}
