package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;

/** The DICOMDIR we build is read by an independent toolkit (dcmtk), which follows its record offsets. */
class MediaDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void dcmtkReadsTheDirectoryAndFindsEveryFileThroughIt() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        List<MediaDirectory.Entry> entries = new ArrayList<>();
        List<String> sops = new ArrayList<>();
        for (int series = 1; series <= 2; series++) {
            String seriesUid = TestDicom.newUid();
            for (int image = 1; image <= 3; image++) {
                TestDicom dicom = TestDicom.ct(patient).study(study).series(seriesUid).seriesNumber(series)
                        .number(image);
                List<String> fileId = List.of("DICOM", "SE%06d".formatted(series), "IM%06d".formatted(image));
                Path file = dir.resolve(String.join("/", fileId));
                Files.createDirectories(file.getParent());
                Files.write(file, dicom.bytes());
                entries.add(new MediaDirectory.Entry(fileId, seriesUid, "CT", series, SOPClass.CTImageStorage,
                        dicom.sopInstanceUid(), TransferSyntax.ExplicitVRLittleEndian, image));
                sops.add(dicom.sopInstanceUid());
            }
        }
        Files.write(dir.resolve("DICOMDIR"), MediaDirectory.encode(
                new MediaDirectory.Patient(patient.id(), patient.name(), patient.birthDate(), "F"),
                new MediaDirectory.Study(study, "20260115", "101500", "CT CHEST", "1", "ACC1"), entries));

        String dump = run("dcmdump", "--print-all", "DICOMDIR");
        assertThat(dump).contains("=MediaStorageDirectoryStorage").doesNotContain("E:").doesNotContain("W:");
        // every link points at the start of a record, as dcmtk measured the records' positions itself
        Set<Long> recordStarts = numbers(dump, "offset=\\$(\\d+)");
        Set<Long> links = numbers(dump, "\\(0004,1(?:400|420|200|202)\\) up (\\d+)");
        links.remove(0L);
        assertThat(recordStarts).hasSize(10);
        assertThat(links).as("every record is reached by exactly the links a tree of 1+1+2+6 records has")
                .isEqualTo(recordStarts);
        assertThat(count(dump, "DirectoryRecordType")).isEqualTo(1 + 1 + 2 + 6);
        for (String sop : sops) {
            assertThat(dump).contains("[" + sop + "]");
        }
        // dcmmkdir loads an existing DICOMDIR by following its offsets (a broken link is an error), checks that
        // every referenced file exists, then appends: nothing is new, so the directory must stay as it was
        String append = run("dcmmkdir", "--append", "--input-directory", dir.toString(), "+r", "DICOM");
        assertThat(append).doesNotContain("E:").doesNotContain("F:");
        String after = run("dcmdump", "--print-all", "DICOMDIR");
        assertThat(count(after, "DirectoryRecordType")).isEqualTo(10);
    }

    /**
     * A study mixing a CT, a secondary capture without modality or numbers, an encapsulated PDF (dcmtk pdf2dcm) and
     * structured reports of each flavour (dcmtk xml2dsr): dicom3tools' dciodvfy finds no error in the directory,
     * each object has the record its class calls for with the keys read from its file, and nothing type 1 is empty.
     */
    @Test
    void dciodvfyFindsNoErrorInADirectoryOfImagesReportsAndDocuments() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom ct = TestDicom.ct(patient);
        String study = ct.studyUid();
        TestDicom sc = TestDicom.ct(patient).study(study).sopClass(SOPClass.SecondaryCaptureImageStorage)
                .modality("OT");
        String docSeries = TestDicom.newUid();
        byte[] pdf = ReportFiles.pdf(patient, ct, docSeries, TestDicom.newUid(), List.of("Findings: none."));
        List<MediaDirectory.Entry> entries = new ArrayList<>();
        entries.add(new MediaDirectory.Entry(List.of("DICOM", "SE000001", "IM000001"), ct.seriesUid(), "CT", 1,
                SOPClass.CTImageStorage, ct.sopInstanceUid(), TransferSyntax.ExplicitVRLittleEndian, 1));
        entries.add(new MediaDirectory.Entry(List.of("DICOM", "SE000002", "IM000001"), sc.seriesUid(), "", null,
                SOPClass.SecondaryCaptureImageStorage, sc.sopInstanceUid(), TransferSyntax.ExplicitVRLittleEndian,
                null));
        entries.add(entry(List.of("DICOM", "SE000003", "IM000001"), docSeries, pdf));
        String srSeries = TestDicom.newUid();
        int n = 0;
        for (ReportFiles.SrKind kind : ReportFiles.SrKind.values()) {
            byte[] sr = ReportFiles.sr(kind, patient, ct, srSeries, TestDicom.newUid(), "A finding", "A conclusion");
            entries.add(entry(List.of("DICOM", "SE000004", "IM00000" + (++n)), srSeries, sr));
        }
        Files.write(dir.resolve("DICOMDIR"), MediaDirectory.encode(
                new MediaDirectory.Patient(patient.id(), patient.name(), patient.birthDate(), "F"),
                new MediaDirectory.Study(study, "20260115", "101500", "MIXED", "", "ACC1"), entries));
        Process p = new ProcessBuilder("dciodvfy", "DICOMDIR").directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String report = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertThat(report).as(report).contains("BasicDirectory").doesNotContain("Error");
        String dump = run("dcmdump", "DICOMDIR");
        assertThat(count(dump, "[ENCAP DOC]")).isEqualTo(1);
        assertThat(count(dump, "[SR DOCUMENT]")).isEqualTo(3);
        assertThat(count(dump, "[IMAGE]")).isEqualTo(2);
        assertThat(dump).contains("[application/pdf]").contains("[COMPLETE]").contains("[VERIFIED]")
                .contains("[Radiology report]").contains("[20260115120000]").contains("[Diagnostic Imaging Report]")
                .contains("(0040,a010) CS [HAS CONCEPT MOD]").contains("(0008,0060) CS [OT]")
                .contains("(0008,0060) CS [DOC]").contains("(0008,0060) CS [SR]");
        assertThat(dump).doesNotContain("(0008,0060) CS (no value").doesNotContain("(0020,0011) IS (no value")
                .doesNotContain("(0020,0013) IS (no value").doesNotContain("(0020,0010) SH (no value");
        // the series and image without numbers take the next free ones: series 92 after the reports' 90 and 91
        assertThat(dump).contains("(0020,0011) IS [92]");
    }

    private static MediaDirectory.Entry entry(List<String> fileId, String seriesUid, byte[] file) throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(new com.pixelmed.dicom.DicomInputStream(new ByteArrayInputStream(file)));
        String sopClass = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list,
                com.pixelmed.dicom.TagFromName.SOPClassUID);
        String sop = com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list,
                com.pixelmed.dicom.TagFromName.SOPInstanceUID);
        int series = Integer.parseInt(com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list,
                com.pixelmed.dicom.TagFromName.SeriesNumber));
        assertThat(DirectoryRecords.needsFileKeys(sopClass)).isTrue();
        return new MediaDirectory.Entry(fileId, seriesUid, "", series, sopClass, sop,
                TransferSyntax.ExplicitVRLittleEndian, null,
                DirectoryRecords.read(new ByteArrayInputStream(file), 1 << 20).orElseThrow());
    }

    /**
     * A patient's name and a study's description beyond ASCII reach the directory whole: their records are UTF-8 and
     * say so (Specific Character Set, type 1C in a record), while records of plain ASCII carry none.
     */
    @Test
    void namesBeyondAsciiAreWrittenInUtf8AndTheRecordSaysSo() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        String study = TestDicom.newUid();
        String seriesUid = TestDicom.newUid();
        TestDicom dicom = TestDicom.ct(patient).study(study).series(seriesUid).seriesNumber(1).number(1);
        List<String> fileId = List.of("DICOM", "SE000001", "IM000001");
        Path file = dir.resolve(String.join("/", fileId));
        Files.createDirectories(file.getParent());
        Files.write(file, dicom.bytes());
        var entries = List.of(new MediaDirectory.Entry(fileId, seriesUid, "CT", 1, SOPClass.CTImageStorage,
                dicom.sopInstanceUid(), TransferSyntax.ExplicitVRLittleEndian, 1));
        Files.write(dir.resolve("DICOMDIR"), MediaDirectory.encode(
                new MediaDirectory.Patient(patient.id(), "Müller-Łukasik^Zoë", patient.birthDate(), "F"),
                new MediaDirectory.Study(study, "20260115", "101500", "Thorax Übersicht", "1", "ACC1"), entries));

        String dump = run("dcmdump", "--print-all", "DICOMDIR");
        assertThat(dump).contains("[Müller-Łukasik^Zoë]").contains("[Thorax Übersicht]");
        assertThat(count(dump, "(0008,0005) CS [ISO_IR 192]"))
                .as("the PATIENT and STUDY records name UTF-8; the SERIES and IMAGE records do not").isEqualTo(2);
    }

    @Test
    void previewIsTheWindowedImage() throws IOException {
        byte[] file = TestDicom.ct(TestDicom.Patient.random()).size(32).bytes();
        byte[] png = PreviewImage.png(() -> new ByteArrayInputStream(file)).orElseThrow();
        var image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(32);
        assertThat(image.getHeight()).isEqualTo(32);
        // random 12-bit values windowed 1024/2048: low values are black, high ones white, some in between
        int black = 0;
        int white = 0;
        int grey = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int g = image.getRaster().getSample(x, y, 0);
                if (g == 0) {
                    black++;
                } else if (g == 255) {
                    white++;
                } else {
                    grey++;
                }
            }
        }
        assertThat(black).isGreaterThan(0);
        assertThat(white).isGreaterThan(0);
        assertThat(grey).isGreaterThan(0);
    }

    private String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    private static Set<Long> numbers(String text, String regex) {
        Set<Long> out = new HashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    private static int count(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }
}
