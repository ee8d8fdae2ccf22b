package org.imageportal.reports;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.archive.StudyArchiveService.Archive;
import org.imageportal.dicom.DicomRejection;
import org.imageportal.dicom.EncapsulatedDocument;
import org.imageportal.dicom.ReportText;
import org.imageportal.disclosures.DisclosureLog;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.StudyCatalogRepository.ArchiveFile;
import org.imageportal.studies.StudyReleaseService;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;
import org.imageportal.studies.access.StudyCaller;

import io.smallrye.mutiny.Uni;

/**
 * The radiology reports of a study (structured reports and encapsulated PDFs) for the people who may see the study:
 * which there are, and each one to read. Reports are numbered by their place in the study (1, 2, ...), so that no UID
 * appears in a page address. A read is a release like any other: decided by the access policy, audited, and
 * disclosed to a grant's physician or a link's recipient (with "report included") before a byte is sent.
 */
@ApplicationScoped
public class StudyReportService {

    /** A report larger than this is not read into memory (its file, header and document, as stored). */
    static final int MAX_REPORT_BYTES = 32 << 20;

    /** What kind of report: a structured report the portal shows as text, or a PDF it hands to the browser. */
    public enum Kind {
        STRUCTURED, PDF
    }

    /**
     * A report as the study pages list it.
     *
     * @param number its place among the study's reports, as its address names it
     * @param seriesUid the series it is stored in (the viewer shows that series as this report, not as images)
     * @param description the series' description, or "" where it has none
     */
    public record ReportEntry(int number, Kind kind, String seriesUid, String description) {

        /** How the pages name it. */
        public String label() {
            return kind == Kind.PDF ? "Report " + number + " (PDF)" : "Report " + number;
        }

        /** How the viewer names it: "Report: " and what the series says it is (its number where it says nothing). */
        public String title() {
            String what = description == null || description.isBlank() ? "report " + number : description.strip();
            return "Report: " + what + (kind == Kind.PDF ? " (PDF)" : "");
        }
    }

    /** A structured report ready to show: its text and, per referenced image, where it is in the study. */
    public record ShownReport(ReportText.Report report, Map<String, String> images) {
    }

    private final AccessPolicy policy;
    private final StudyArchiveService archives;
    private final StudyReleaseService releases;

    StudyReportService(AccessPolicy policy, StudyArchiveService archives, StudyReleaseService releases) {
        this.policy = policy;
        this.archives = archives;
        this.releases = releases;
    }

    /** The reports the portal can show, in the study's order, numbered from 1. */
    static Map<Integer, ArchiveFile> readable(List<ArchiveFile> files) {
        Map<Integer, ArchiveFile> out = new LinkedHashMap<>();
        for (ArchiveFile f : files) {
            if (ReportText.isStructuredReport(f.sopClassUid()) && !f.sopClassUid().endsWith(".88.59")
                    || f.sopClassUid().equals(EncapsulatedDocument.PDF_SOP_CLASS)) {
                out.put(out.size() + 1, f);
            }
        }
        return out;
    }

    private static List<ReportEntry> entries(Archive archive) {
        List<ReportEntry> out = new ArrayList<>();
        readable(archive.files()).forEach((n, f) -> out.add(new ReportEntry(n,
                f.sopClassUid().equals(EncapsulatedDocument.PDF_SOP_CLASS) ? Kind.PDF : Kind.STRUCTURED,
                f.seriesUid(), java.util.Objects.toString(f.seriesDescription(), ""))));
        return out;
    }

    /** The reports of a study the caller may view (none if they may not). Nothing is released by listing them. */
    public Uni<List<ReportEntry>> list(StudyCaller caller, UUID studyId) {
        return policy.decide(caller, StudyAction.RETRIEVE).chain(decision -> archives.archiveIn(decision.scope(),
                studyId)).map(found -> found.map(StudyReportService::entries).orElse(List.of()));
    }

    /** A report opened for reading, already recorded: blocking reads of it follow. */
    public record Opened(Archive archive, ArchiveFile file, Kind kind) {
    }

    /**
     * Report {@code number} of the study for the caller, recorded as released (and disclosed to a grant's physician
     * or a link's recipient); 404 if there is none they may see.
     */
    public Uni<Opened> open(StudyCaller caller, UUID studyId, int number) {
        return policy.decide(caller, StudyAction.RETRIEVE).chain(decision -> archives.archiveIn(decision.scope(),
                studyId).chain(found -> {
                    Opened opened = found.map(a -> opened(a, number)).orElse(null);
                    if (opened == null) {
                        return Uni.createFrom().failure(ProblemException.notFound());
                    }
                    return releases.record(caller, decision, studyId, 1, "report.read", DisclosureLog.Action.VIEW,
                            true).replaceWith(opened);
                }));
    }

    private static Opened opened(Archive archive, int number) {
        ArchiveFile file = readable(archive.files()).get(number);
        if (file == null || file.size() > MAX_REPORT_BYTES) {
            return null;
        }
        return new Opened(archive, file,
                file.sopClassUid().equals(EncapsulatedDocument.PDF_SOP_CLASS) ? Kind.PDF : Kind.STRUCTURED);
    }

    /** The structured report's text. Blocking (decrypts and parses): call from a worker thread. */
    public ShownReport text(Opened opened) throws IOException {
        if (opened.kind() != Kind.STRUCTURED) {
            throw ProblemException.notFound();
        }
        ReportText.Report report;
        try (InputStream in = archives.open(StudyArchiveService.stored(opened.archive().study(), opened.file()))) {
            report = ReportText.read(in, MAX_REPORT_BYTES);
        } catch (DicomRejection e) {
            throw ProblemException.notFound();
        }
        return new ShownReport(report, imagePlaces(opened.archive().files()));
    }

    /** The PDF document. Blocking (decrypts and parses): call from a worker thread. */
    public byte[] pdf(Opened opened) throws IOException {
        if (opened.kind() != Kind.PDF) {
            throw ProblemException.notFound();
        }
        try (InputStream in = archives.open(StudyArchiveService.stored(opened.archive().study(), opened.file()))) {
            return EncapsulatedDocument.pdf(in, MAX_REPORT_BYTES);
        } catch (DicomRejection e) {
            throw ProblemException.notFound();
        }
    }

    /** "image 3 of series 2" per SOP Instance UID: the places of the files (those the caller may see) in the study. */
    static Map<String, String> imagePlaces(List<ArchiveFile> files) {
        Map<String, String> out = new HashMap<>();
        List<List<String>> ids = StudyArchiveService.fileIds(files);
        Map<String, Integer> seriesPositions = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (ArchiveFile f : files) {
            seriesPositions.computeIfAbsent(f.seriesUid(), k -> seriesPositions.size() + 1);
            counts.merge(f.seriesUid(), 1, Integer::sum);
        }
        for (int i = 0; i < files.size(); i++) {
            ArchiveFile f = files.get(i);
            int image = Integer.parseInt(ids.get(i).get(2).substring(2));
            out.put(f.sopInstanceUid(), "image " + image + " of " + counts.get(f.seriesUid()) + " in series "
                    + seriesPositions.get(f.seriesUid()));
        }
        return out;
    }
}
