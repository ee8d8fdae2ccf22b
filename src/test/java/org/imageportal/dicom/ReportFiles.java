package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Reports as real reporting systems send them, made at test time by dcmtk: a structured report ({@code xml2dsr}
 * from {@code reports/report.xml}, basic, enhanced or comprehensive) and an encapsulated PDF ({@code pdf2dcm}).
 */
public final class ReportFiles {

    /** The SR flavours xml2dsr writes, with their SOP classes. */
    public enum SrKind {

        BASIC("Basic Text SR", "1.2.840.10008.5.1.4.1.1.88.11"), ENHANCED("Enhanced SR",
                "1.2.840.10008.5.1.4.1.1.88.22"), COMPREHENSIVE("Comprehensive SR", "1.2.840.10008.5.1.4.1.1.88.33");

        final String type;
        public final String sopClass;

        SrKind(String type, String sopClass) {
            this.type = type;
            this.sopClass = sopClass;
        }
    }

    /** Encapsulated PDF Storage. */
    public static final String PDF_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.104.1";

    private ReportFiles() {
    }

    /**
     * A structured report on the study: a finding, a length of 4.5 mm (not in a basic text SR, which has no numbers),
     * a finding site code, dates, a UID reference and a reference to {@code image}, and a conclusion.
     */
    public static byte[] sr(SrKind kind, TestDicom.Patient patient, TestDicom image, String seriesUid,
            String sopInstanceUid, String finding, String conclusion) throws Exception {
        String template;
        try (InputStream in = ReportFiles.class.getResourceAsStream("/reports/report.xml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String num = kind == SrKind.BASIC
                ? ""
                : """
                        <num>
                          <relationship>CONTAINS</relationship>
                          <concept><value>410668003</value><scheme><designator>SCT</designator></scheme><meaning>Length</meaning></concept>
                          <value>4.5</value>
                          <unit><value>mm</value><scheme><designator>UCUM</designator></scheme><meaning>millimeter</meaning></unit>
                        </num>""";
        String[] name = patient.name().split("\\^");
        Map<String, String> values = Map.ofEntries(Map.entry("TYPE", kind.type), Map.entry("SOP_CLASS", kind.sopClass),
                Map.entry("PATIENT_ID", patient.id()), Map.entry("ISSUER", patient.issuer()),
                Map.entry("FAMILY", name[0]), Map.entry("GIVEN", name.length > 1 ? name[1] : ""),
                Map.entry("BIRTH_DATE", patient.birthDate()), Map.entry("STUDY_UID", image.studyUid()),
                Map.entry("ACCESSION", image.accessionNumber()), Map.entry("SERIES_UID", seriesUid),
                Map.entry("SOP_UID", sopInstanceUid), Map.entry("IMAGE_SERIES_UID", image.seriesUid()),
                Map.entry("IMAGE_UID", image.sopInstanceUid()), Map.entry("FINDING", xml(finding)),
                Map.entry("CONCLUSION", xml(conclusion)), Map.entry("NUM", num));
        String xml = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            xml = xml.replace("{" + v.getKey() + "}", v.getValue());
        }
        Path work = Files.createTempDirectory("report");
        Path in = work.resolve("report.xml");
        Files.writeString(in, xml);
        return tool(work, "xml2dsr", in.toString());
    }

    /** An encapsulated PDF of {@code lines} on the study, as pdf2dcm makes it. */
    public static byte[] pdf(TestDicom.Patient patient, TestDicom image, String seriesUid, String sopInstanceUid,
            List<String> lines) throws Exception {
        Path work = Files.createTempDirectory("report");
        Path pdf = work.resolve("report.pdf");
        Files.write(pdf, pdfBytes(lines));
        return tool(work, "pdf2dcm", "+t", "Radiology report", "+pn", patient.name(), "+pi", patient.id(), "+pb",
                patient.birthDate(), "+ps", "F", "-k", "IssuerOfPatientID=" + patient.issuer(), "-k",
                "StudyInstanceUID=" + image.studyUid(), "-k", "SeriesInstanceUID=" + seriesUid, "-k",
                "SOPInstanceUID=" + sopInstanceUid, "-k", "StudyDate=20260115", "-k", "StudyTime=101500", "-k",
                "AccessionNumber=" + image.accessionNumber(), "-k", "StudyDescription=CT CHEST", "-k",
                "SeriesNumber=91", "-k", "InstanceNumber=1", "-k", "ContentDate=20260115", "-k", "ContentTime=120000",
                pdf.toString());
    }

    /** A one-page PDF with the lines. */
    public static byte[] pdfBytes(List<String> lines) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
                text.beginText();
                text.newLineAtOffset(60, 770);
                text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
                text.setLeading(16);
                for (String line : lines) {
                    text.showText(line);
                    text.newLine();
                }
                text.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Runs a dcmtk tool with {@code args} then the output file; the output's bytes. */
    static byte[] tool(Path work, String tool, String... args) throws Exception {
        Path out = work.resolve("out.dcm");
        List<String> command = new ArrayList<>(List.of(tool));
        command.addAll(List.of(args));
        command.add(out.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(tool + ": " + log).isZero();
        return Files.readAllBytes(out);
    }
}
