package org.imageportal.studies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.EncapsulatedDocument;
import org.imageportal.dicom.ReportText;
import org.imageportal.storage.ObjectKey;
import org.imageportal.storage.crypto.WrappedStudyKey;
import org.imageportal.studies.access.StudyScope;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for what people see of their studies (the list) and take home (the archive). */
@ApplicationScoped
public class StudyCatalogRepository {

    /** The SQL test (on {@code i.sop_class_uid}) for an instance that is a report: a structured report, a PDF or a CDA document. */
    public static final String SQL_IS_REPORT = "((i.sop_class_uid LIKE '1.2.840.10008.5.1.4.1.1.88.%' "
            + "AND i.sop_class_uid <> '1.2.840.10008.5.1.4.1.1.88.59') OR i.sop_class_uid IN "
            + "('1.2.840.10008.5.1.4.1.1.104.1', '1.2.840.10008.5.1.4.1.1.104.2', '1.2.840.10008.5.1.4.1.1.78.6', "
            + "'1.2.840.10008.5.1.4.1.1.79.1'))";

    /** The SQL test for a report the portal shows (a structured report or a PDF; no CDA). */
    public static final String SQL_READABLE_REPORT = "((i.sop_class_uid LIKE '1.2.840.10008.5.1.4.1.1.88.%' "
            + "AND i.sop_class_uid <> '1.2.840.10008.5.1.4.1.1.88.59') OR i.sop_class_uid IN "
            + "('1.2.840.10008.5.1.4.1.1.104.1', '1.2.840.10008.5.1.4.1.1.78.6', '1.2.840.10008.5.1.4.1.1.79.1'))";

    /** Whether an instance of the SOP class is a report (structured report, PDF, CDA). */
    public static boolean isReport(String sopClassUid) {
        return ReportText.isStructuredReport(sopClassUid) && !sopClassUid.endsWith(".88.59")
                || sopClassUid.equals(EncapsulatedDocument.PDF_SOP_CLASS)
                || sopClassUid.equals("1.2.840.10008.5.1.4.1.1.104.2");
    }

    /** Whether one of the files is a report. */
    public static boolean anyReport(List<ArchiveFile> files) {
        return files.stream().anyMatch(f -> isReport(f.sopClassUid()));
    }

    private final Pool pool;

    StudyCatalogRepository(Pool pool) {
        this.pool = pool;
    }

    /** The study-level attributes a DICOMDIR and the archive's README need. */
    public record ArchiveStudy(UUID id, UUID patientRef, String studyUid, String patientId, String patientName,
            String birthDate, String sex,
            String studyDate, String studyTime, String description, String studyId, String accessionNumber,
            WrappedStudyKey key) {
    }

    /** One accepted instance with its series, in archive order. */
    public record ArchiveFile(String seriesUid, String modality, Integer seriesNumber, String seriesDescription,
            String sopClassUid, String sopInstanceUid, String transferSyntax, Integer instanceNumber,
            ObjectKey objectKey, long size) {
    }

    /** What a disclosure record says was disclosed: generated from the index, never from free text of the images. */
    public record DisclosureFacts(UUID patientRef, Map<String, Object> description) {
    }

    /** The facts of the study where nothing of it is released yet (an opening), so no report either. */
    public Uni<DisclosureFacts> disclosureFacts(UUID studyId) {
        return disclosureFacts(studyId, false, List.of());
    }

    /**
     * The facts of a release of the study: whether it included a report is {@code reportIncluded} when the caller
     * knows it, else whether one of the released instances ({@code sopInstanceUids}) is a report.
     */
    public Uni<DisclosureFacts> disclosureFacts(UUID studyId, Boolean reportIncluded, List<String> sopInstanceUids) {
        String report = reportIncluded != null
                ? "$2::boolean"
                : "EXISTS (SELECT 1 FROM portal.instance i WHERE i.study_ref = s.id AND i.sop_instance_uid = ANY($2) "
                        + "AND " + SQL_IS_REPORT + ")";
        Object second = reportIncluded != null ? reportIncluded : sopInstanceUids.toArray(String[]::new);
        return pool.preparedQuery("SELECT s.patient_ref, s.modalities, s.description, s.study_date, s.series_count, "
                + "s.instance_count, " + report + " AS report FROM portal.study s WHERE s.id = $1")
                .execute(Tuple.of(studyId, second))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new DisclosureFacts(r.getUUID("patient_ref"), Map.of("modalities",
                            strings(r, "modalities"), "description", r.getString("description"), "studyDate",
                            r.getString("study_date"), "series", r.getInteger("series_count"), "instances",
                            r.getInteger("instance_count"), "reportIncluded", r.getBoolean("report")));
                });
    }

    public Uni<List<String>> seriesUids(UUID studyId) {
        return pool.preparedQuery("SELECT series_uid FROM portal.series WHERE study_ref = $1 AND instance_count > 0")
                .execute(Tuple.of(studyId)).map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    Pool pool() {
        return pool;
    }

    public Uni<List<StudySummary>> summaries(SqlWhere where, int limit) {
        return summaryPage(where, 1, limit).map(StudySummary.Page::studies);
    }

    /**
     * Page {@code number} (from 1) of the studies, {@code size} to a page, newest first, with the count of the whole
     * list (one statement: the count rides on every row; a page past the end counts separately).
     */
    public Uni<StudySummary.Page> summaryPage(SqlWhere where, int number, int size) {
        long offset = (long) (number - 1) * size;
        String sql = "SELECT s.id, s.study_date, s.description, s.modalities, s.series_count, s.instance_count, "
                + "s.size_bytes, ARRAY(SELECT DISTINCT se.body_part FROM portal.series se WHERE se.study_ref = s.id "
                + "AND se.body_part <> '' AND se.instance_count > 0 ORDER BY 1) AS body_parts, (SELECT count(*) FROM "
                + "portal.instance i WHERE i.study_ref = s.id AND " + StudyScope.RELEASABLE_INSTANCE + " AND "
                + SQL_READABLE_REPORT + ") AS reports, count(*) OVER () AS total FROM portal.study s" + where.sql()
                + " ORDER BY s.study_date DESC, s.study_time DESC, s.id LIMIT $" + where.nextParam() + " OFFSET $"
                + (where.nextParam() + 1);
        return pool.preparedQuery(sql).execute(where.tuple(size, offset)).chain(rows -> {
            List<StudySummary> out = new ArrayList<>();
            long[] total = {0};
            rows.forEach(r -> {
                total[0] = r.getLong("total");
                out.add(new StudySummary(r.getUUID("id"), r.getString("study_date"), r.getString("description"),
                        strings(r, "modalities"), strings(r, "body_parts"), r.getInteger("series_count"),
                        r.getInteger("instance_count"), r.getLong("size_bytes"), r.getLong("reports").intValue()));
            });
            if (!out.isEmpty() || offset == 0) {
                return Uni.createFrom().item(new StudySummary.Page(out, number, size, total[0]));
            }
            return pool.preparedQuery("SELECT count(*) FROM portal.study s" + where.sql()).execute(where.tuple())
                    .map(counted -> new StudySummary.Page(out, number, size,
                            counted.iterator().next().getLong(0)));
        });
    }

    public Uni<Optional<ArchiveStudy>> archiveStudy(SqlWhere where) {
        return pool.preparedQuery("SELECT s.* FROM portal.study s" + where.sql()).execute(where.tuple())
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new ArchiveStudy(r.getUUID("id"), r.getUUID("patient_ref"),
                            r.getString("study_uid"),
                            r.getString("patient_id"), r.getString("patient_name"), r.getString("birth_date"),
                            r.getString("sex"), r.getString("study_date"), r.getString("study_time"),
                            r.getString("description"), r.getString("study_id"), r.getString("accession_number"),
                            new WrappedStudyKey(r.getBuffer("wrapped_key").getBytes(), r.getLong("master_key_id"))));
                });
    }

    /** The study's accepted instances (never quarantined ones), series by series. */
    public Uni<List<ArchiveFile>> archiveFiles(UUID studyId) {
        return pool.preparedQuery("SELECT se.series_uid, se.modality, se.series_number, se.description, "
                + "i.sop_class_uid, i.sop_instance_uid, i.transfer_syntax, i.instance_number, i.object_key, "
                + "i.size_bytes FROM portal.instance i JOIN portal.series se ON se.id = i.series_ref "
                + "WHERE i.study_ref = $1 AND " + StudyScope.RELEASABLE_INSTANCE
                + " ORDER BY se.series_number NULLS LAST, "
                + "se.series_uid, i.instance_number NULLS LAST, i.sop_instance_uid")
                .execute(Tuple.of(studyId)).map(rows -> {
                    List<ArchiveFile> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new ArchiveFile(r.getString("series_uid"), r.getString("modality"),
                            r.getInteger("series_number"), r.getString("description"), r.getString("sop_class_uid"),
                            r.getString("sop_instance_uid"), r.getString("transfer_syntax"),
                            r.getInteger("instance_number"), new ObjectKey(r.getString("object_key")),
                            r.getLong("size_bytes"))));
                    return out;
                });
    }

    private static List<String> strings(Row r, String column) {
        String[] values = r.getArrayOfStrings(column);
        return values == null ? List.of() : List.of(values);
    }
}
