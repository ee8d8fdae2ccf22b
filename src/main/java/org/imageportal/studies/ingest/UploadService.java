package org.imageportal.studies.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.Part10Reader;
import org.imageportal.dicom.PatientIdentity;
import org.imageportal.identity.Actor;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;

/**
 * Uploads by the front desk for one patient: single files, the files of a folder, or a ZIP of a patient's outside
 * CD (nested folders). Each file streams through the same ingest as STOW-RS, with the patient as the target, so a
 * file naming someone else is held for review rather than merged. The CD's DICOMDIR and files that are not DICOM
 * (viewers, READMEs) are reported and skipped. Nothing is buffered beyond one instance's header. Blocking.
 */
@ApplicationScoped
public class UploadService {

    /** Most entries a single ZIP may hold (a CD holds a few thousand). */
    static final int MAX_ZIP_ENTRIES = 100_000;

    /** What happened to one file. {@code outcome}: stored, already-stored, held, skipped or failed. */
    public record FileResult(String name, String outcome, String message, String studyUid) {
    }

    /** An upload's report, file by file, with totals. */
    public record UploadReport(List<FileResult> files, int stored, int held, int skipped, int failed) {

        static UploadReport of(List<FileResult> files) {
            return new UploadReport(List.copyOf(files), count(files, "stored") + count(files, "already-stored"),
                    count(files, "held"), count(files, "skipped"), count(files, "failed"));
        }

        private static int count(List<FileResult> files, String outcome) {
            return (int) files.stream().filter(f -> f.outcome().equals(outcome)).count();
        }
    }

    /** A patient an upload can be for, as staff confirm it on the page. */
    public record UploadTarget(UUID id, PatientIdentity identity) {
    }

    private final IngestService ingest;
    private final PatientService patients;
    private final AccessPolicy policy;

    private final long maxUploadBytes;

    UploadService(IngestService ingest, PatientService patients, AccessPolicy policy, IngestConfig config) {
        this.maxUploadBytes = config.maxUploadSize().asLongValue();
        this.ingest = ingest;
        this.patients = patients;
        this.policy = policy;
    }

    /** Patients known under a Patient ID (MRN), for choosing the upload's target. */
    public List<UploadTarget> findPatients(Actor actor, String patientId) {
        allowed(actor);
        return patients.indexedUnder(patientId.strip()).await().indefinitely().stream()
                .map(p -> new UploadTarget(p.id(), p.identity())).toList();
    }

    public UploadTarget target(Actor actor, UUID patient) {
        allowed(actor);
        return patients.indexed(patient).await().indefinitely().map(p -> new UploadTarget(p.id(), p.identity()))
                .orElseThrow(ProblemException::notFound);
    }

    /** One file (from a file or folder chooser). */
    public FileResult uploadFile(Actor actor, UUID patient, String name, InputStream content) {
        target(actor, patient);
        return one(actor, patient, safeName(name), content);
    }

    /** A ZIP, entry by entry as it streams in. */
    public UploadReport uploadZip(Actor actor, UUID patient, InputStream zip) {
        target(actor, patient);
        List<FileResult> results = new ArrayList<>();
        Counted compressed = new Counted(zip, Long.MAX_VALUE, null);
        try (ZipInputStream entries = new ZipInputStream(compressed)) {
            Counted expanded = new Counted(entries, maxUploadBytes, compressed);
            ZipEntry entry;
            while ((entry = entries.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                if (results.size() >= MAX_ZIP_ENTRIES) {
                    throw new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                            "The ZIP holds more than " + MAX_ZIP_ENTRIES + " files; split it.");
                }
                String name = safeName(entry.getName());
                FileResult result = one(actor, patient, name, new KeepOpen(expanded));
                try {
                    // the rest of the entry passes the same count (skipping it would inflate it unseen)
                    expanded.drain();
                } finally {
                    results.add(expanded.tripped() ? new FileResult(name, "failed", expanded.reason(), null) : result);
                }
            }
        } catch (Counted.Tripped e) {
            results.add(new FileResult("(rest of the ZIP)", "failed", e.getMessage()
                    + "; the files listed before it were handled", null));
        } catch (ZipException e) {
            if (results.isEmpty()) {
                throw new ProblemException(ProblemType.VALIDATION, "The file is not a readable ZIP archive.");
            }
            results.add(new FileResult("(rest of the ZIP)", "failed",
                    "the ZIP archive is damaged from here on; the files listed before it were handled", null));
        } catch (IOException e) {
            results.add(new FileResult("(rest of the ZIP)", "failed",
                    "the upload was interrupted; the files listed before it were handled", null));
        }
        if (results.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "The ZIP archive holds no files.");
        }
        return UploadReport.of(results);
    }

    private FileResult one(Actor actor, UUID patient, String name, InputStream content) {
        if (baseName(name).equalsIgnoreCase("DICOMDIR")) {
            return new FileResult(name, "skipped", "the CD's index (DICOMDIR); the images it lists are uploaded "
                    + "from their own files", null);
        }
        IngestOutcome outcome = ingest.ingest(content, new IngestService.Target(Optional.empty(), Optional.of(patient)),
                actor);
        return switch (outcome) {
            case IngestOutcome.Stored s when s.quarantine() != null -> new FileResult(name, "held",
                    "held for review: " + s.quarantine().description(), s.studyUid());
            case IngestOutcome.Stored s -> new FileResult(name, s.alreadyStored() ? "already-stored" : "stored",
                    s.alreadyStored() ? "already in the portal" : "stored", s.studyUid());
            case IngestOutcome.Failed f when Part10Reader.NOT_DICOM_MESSAGE.equals(f.message()) -> new FileResult(name,
                    "skipped", "not a DICOM file", null);
            case IngestOutcome.Failed f -> new FileResult(name, "failed", f.message(), null);
        };
    }

    private void allowed(Actor actor) {
        if (policy.decide(actor, StudyAction.STORE).await().indefinitely().denied() || actor.machine()) {
            throw new ProblemException(ProblemType.FORBIDDEN, "not allowed for your role");
        }
    }

    /** A file name sent URI-encoded in a header (header values are ASCII), as the page's script sends it. */
    public static String headerFileName(String value) {
        if (value == null) {
            return "";
        }
        try {
            return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    /** File names are shown back to the uploader only; keep them printable and short. */
    static String safeName(String name) {
        String cleaned = name == null ? "" : name.replaceAll("[\\p{Cntrl}]", "").strip();
        if (cleaned.length() > 200) {
            cleaned = "..." + cleaned.substring(cleaned.length() - 197);
        }
        return cleaned.isEmpty() ? "(unnamed)" : cleaned;
    }

    private static String baseName(String name) {
        String n = name.replace('\\', '/');
        return n.substring(n.lastIndexOf('/') + 1).toUpperCase(Locale.ROOT);
    }

    /** An entry's stream whose close does not close the archive. */
    /**
     * Counts what passes and stops at a limit: for the expanded stream, the upload's total and (past 32 MiB) a
     * hundred times what the compressed stream has delivered so far. Skipped bytes count too: InputStream's own
     * skip reads through {@link #read(byte[], int, int)}.
     */
    private static final class Counted extends InputStream {

        /** The limit was reached: nothing more is read from this upload. */
        static final class Tripped extends IOException {

            Tripped(String message) {
                super(message, null);
            }
        }

        private static final long RATIO_FROM = 32L << 20;
        private static final int RATIO = 100;

        private final InputStream in;
        private final long limit;
        private final Counted compressed;
        private long count;
        private String reason;

        Counted(InputStream in, long limit, Counted compressed) {
            this.in = in;
            this.limit = limit;
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (reason != null) {
                throw new Tripped(reason);
            }
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                check();
            }
            return n;
        }

        private void check() throws Tripped {
            if (count > limit) {
                reason = "the ZIP expands to more than " + limit + " bytes, more than one upload may hold";
            } else if (compressed != null && count > RATIO_FROM && count > RATIO * Math.max(1, compressed.count)) {
                reason = "the ZIP expands over " + RATIO + " times its size (a ZIP bomb, not a CD)";
            }
            if (reason != null) {
                throw new Tripped(reason);
            }
        }

        /** Reads to the end of the current entry; throws once the limit is reached. */
        void drain() throws IOException {
            if (reason != null) {
                throw new Tripped(reason);
            }
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) >= 0) {
                // counted
            }
        }

        boolean tripped() {
            return reason != null;
        }

        String reason() {
            return reason;
        }
    }

    private static final class KeepOpen extends FilterInputStream {

        KeepOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the ZIP moves on to its next entry; closing is the archive's business
        }
    }
}
