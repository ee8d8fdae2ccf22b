package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
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
     * A study mixing a CT, a secondary capture without modality or numbers and an encapsulated PDF: dicom3tools'
     * dciodvfy finds no error in the directory (an ENCAP DOC record for the PDF, no empty type 1 value).
     */
    @Test
    void dciodvfyFindsNoErrorInADirectoryOfImagesAndAnEncapsulatedPdf() throws Exception {
        String study = TestDicom.newUid();
        List<MediaDirectory.Entry> entries = List.of(
                new MediaDirectory.Entry(List.of("DICOM", "SE000001", "IM000001"), TestDicom.newUid(), "CT", 1,
                        SOPClass.CTImageStorage, TestDicom.newUid(), TransferSyntax.ExplicitVRLittleEndian, 1),
                new MediaDirectory.Entry(List.of("DICOM", "SE000002", "IM000001"), TestDicom.newUid(), "", null,
                        SOPClass.SecondaryCaptureImageStorage, TestDicom.newUid(),
                        TransferSyntax.ExplicitVRLittleEndian, null),
                new MediaDirectory.Entry(List.of("DICOM", "SE000003", "IM000001"), TestDicom.newUid(), "DOC", null,
                        "1.2.840.10008.5.1.4.1.1.104.1", TestDicom.newUid(), TransferSyntax.ExplicitVRLittleEndian,
                        null));
        Files.write(dir.resolve("DICOMDIR"), MediaDirectory.encode(
                new MediaDirectory.Patient("MRN-1", "Test^Patient", "19700101", "F"),
                new MediaDirectory.Study(study, "20260115", "101500", "MIXED", "1", "ACC1"), entries));
        Process p = new ProcessBuilder("dciodvfy", "DICOMDIR").directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String report = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertThat(report).as(report).contains("BasicDirectory").doesNotContain("Error");
        String dump = run("dcmdump", "DICOMDIR");
        assertThat(dump).contains("[ENCAP DOC]").contains("[application/pdf]");
    }

    @Test
    void previewIsTheWindowedImage() throws IOException {
        byte[] png = PreviewImage.png(new ByteArrayInputStream(TestDicom.ct(TestDicom.Patient.random()).size(32)
                .bytes())).orElseThrow();
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
        String out = new String(p.getInputStream().readAllBytes());
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
        return text.split(word, -1).length - 1;
    }
}
