package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Structured reports of every flavour dcmtk writes read as lines of text with the values they hold. */
class ReportTextTest {

    @Test
    void basicEnhancedAndComprehensiveReportsReadAsTheirContent() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom image = TestDicom.ct(patient);
        for (ReportFiles.SrKind kind : ReportFiles.SrKind.values()) {
            byte[] sr = ReportFiles.sr(kind, patient, image, TestDicom.newUid(), TestDicom.newUid(), "Finding " + kind,
                    "Conclusion " + kind);
            ReportText.Report report = ReportText.read(new ByteArrayInputStream(sr), 1 << 20);
            assertThat(report.title()).isEqualTo("Diagnostic Imaging Report");
            assertThat(report.completion()).isEqualTo("COMPLETE");
            assertThat(report.verification()).isEqualTo("VERIFIED");
            assertThat(report.contentDate()).isEqualTo("20260115");
            assertThat(report.verifiers()).containsExactly("Reader^Rita");
            List<ReportText.Line> lines = report.lines();
            assertThat(lines).contains(new ReportText.Line(0, ReportText.Kind.HEADING, "Findings", "", "", List.of()),
                    new ReportText.Line(1, ReportText.Kind.TEXT, "Finding", "Finding " + kind, "", List.of()),
                    new ReportText.Line(1, ReportText.Kind.CODE, "Finding site", "Upper lobe of right lung", "",
                            List.of()),
                    new ReportText.Line(1, ReportText.Kind.DATE, "Study Date", "20260110", "", List.of()),
                    new ReportText.Line(1, ReportText.Kind.TIME, "Study Time", "093000", "", List.of()),
                    new ReportText.Line(1, ReportText.Kind.UIDREF, "Procedure Study Instance UID",
                            image.studyUid(), "", List.of()),
                    new ReportText.Line(1, ReportText.Kind.IMAGE, "Source of Measurement", "",
                            image.sopInstanceUid(), List.of()),
                    new ReportText.Line(0, ReportText.Kind.PNAME, "Person Observer Name", "Reader^Rita", "",
                            List.of()),
                    new ReportText.Line(1, ReportText.Kind.TEXT, "Conclusion", "Conclusion " + kind, "", List.of()));
            if (kind == ReportFiles.SrKind.BASIC) {
                assertThat(lines).noneMatch(l -> l.kind() == ReportText.Kind.NUM);
            } else {
                assertThat(lines).contains(new ReportText.Line(1, ReportText.Kind.NUM, "Length", "4.5 mm", "",
                        List.of()));
            }
        }
    }

    @Test
    void anImageIsNotAReport() {
        byte[] ct = TestDicom.ct(TestDicom.Patient.random()).bytes();
        assertThatThrownBy(() -> ReportText.read(new ByteArrayInputStream(ct), 1 << 20))
                .isInstanceOf(DicomRejection.class);
    }
}
