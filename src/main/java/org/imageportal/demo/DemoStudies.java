package org.imageportal.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.imageportal.dicom.PatientIdentity;
import org.imageportal.dicom.SyntheticImages;
import org.imageportal.dicom.SyntheticImages.Kind;
import org.imageportal.dicom.SyntheticImages.Slice;

/**
 * The demonstration patient's studies as files, made the way a practice's systems would send them: an uncompressed
 * CT series, an MR series compressed with JPEG-LS (dcmtk {@code dcmcjpls}), a chest X-ray in JPEG lossless
 * (dcmtk {@code dcmcjpeg}) with its report as an encapsulated PDF (dcmtk {@code pdf2dcm}), and one image from an
 * outside CD whose birth date disagrees with the registry, which the portal holds for review. UIDs, dates and
 * contents are fixed, so the files come out byte for byte the same on every run.
 */
final class DemoStudies {

    /** The registry identity of the demonstration patient. */
    static final PatientIdentity PATIENT = new PatientIdentity("DEMO-000042", "DEMO-HOSPITAL", "Demo-Patient^Alice",
            "19800412", "F");
    /** The same patient as the outside CD names her: the birth date has two digits swapped. */
    static final PatientIdentity OUTSIDE_CD = new PatientIdentity(PATIENT.patientId(), PATIENT.issuer(),
            PATIENT.name(), "19800421", PATIENT.sex());

    static final String CT_STUDY = uid("ct/study");
    static final String MR_STUDY = uid("mr/study");
    static final String XR_STUDY = uid("xr/study");
    static final String HELD_STUDY = uid("outside/study");

    /** Files in the order they are to be stored; {@code held} is stored last, once the patient is registered. */
    record StudyFiles(List<Path> accepted, Path held) {
    }

    private DemoStudies() {
    }

    static StudyFiles write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> accepted = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            accepted.add(image(dir, "ct-" + i, new Slice(Kind.CT, PATIENT, CT_STUDY, "20250915", "093000",
                    "CT CHEST WITHOUT CONTRAST", "DEMO-CT-1", uid("ct/series"), 1, "AXIAL 5 MM", "CHEST",
                    uid("ct/" + i), i, 256)));
        }
        for (int i = 1; i <= 5; i++) {
            Path raw = image(dir, "mr-raw-" + i, new Slice(Kind.MR, PATIENT, MR_STUDY, "20251020", "141500",
                    "MR KNEE LEFT", "DEMO-MR-1", uid("mr/series"), 1, "PD AXIAL", "KNEE", uid("mr/" + i), i, 256));
            accepted.add(dcmtk(dir, "mr-" + i, "dcmcjpls", raw.toString()));
        }
        Path xray = image(dir, "xr-raw", new Slice(Kind.DX, PATIENT, XR_STUDY, "20251124", "110000", "XR CHEST PA",
                "DEMO-XR-1", uid("xr/series"), 1, "CHEST PA", "CHEST", uid("xr/1"), 1, 512));
        accepted.add(dcmtk(dir, "xr", "dcmcjpeg", "+e1", xray.toString()));
        accepted.add(report(dir));
        Path held = image(dir, "outside", new Slice(Kind.CT, OUTSIDE_CD, HELD_STUDY, "20240302", "161000",
                "CT HEAD (OUTSIDE CD)", "EXT-7731", uid("outside/series"), 1, "HEAD AXIAL", "HEAD",
                uid("outside/1"), 1, 256));
        return new StudyFiles(List.copyOf(accepted), held);
    }

    /** A UID under 2.25 (a UUID as a number) that stands for the same thing on every run and every machine. */
    static String uid(String name) {
        UUID uuid = UUID.nameUUIDFromBytes(("image-portal demo " + name).getBytes(StandardCharsets.UTF_8));
        java.math.BigInteger value = new java.math.BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
        return "2.25." + value;
    }

    private static Path image(Path dir, String name, Slice slice) throws IOException {
        Path file = dir.resolve(name + ".dcm");
        Files.write(file, SyntheticImages.part10(slice));
        return file;
    }

    /** The radiologist's report of the chest X-ray, as pdf2dcm encapsulates it, with fixed UIDs and dates. */
    private static Path report(Path dir) throws IOException {
        Path pdf = dir.resolve("report.pdf");
        writeReportPdf(pdf);
        return dcmtk(dir, "report", "pdf2dcm", "+t", "Radiology report: XR chest PA", "+pn", PATIENT.name(), "+pi",
                PATIENT.patientId(), "+pb", PATIENT.birthDate(), "+ps", PATIENT.sex(), "-k",
                "IssuerOfPatientID=" + PATIENT.issuer(), "-k", "StudyInstanceUID=" + XR_STUDY, "-k",
                "SeriesInstanceUID=" + uid("xr/report-series"), "-k", "SOPInstanceUID=" + uid("xr/report"), "-k",
                "SeriesNumber=2", "-k", "StudyDate=20251124", "-k", "StudyTime=110000", "-k",
                "StudyDescription=XR CHEST PA", "-k", "AccessionNumber=DEMO-XR-1", "-k",
                "SeriesDescription=REPORT", "-k", "ContentDate=20251124", "-k", "ContentTime=143000", "-k",
                "InstanceCreationDate=20251124", "-k", "InstanceCreationTime=143000", "-k",
                "AcquisitionDateTime=20251124143000", "-k", "ReferringPhysicianName=Demo-Provider^Bob", pdf.toString());
    }

    static void writeReportPdf(Path target) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            PDType1Font plain = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
                text.beginText();
                text.newLineAtOffset(60, 770);
                text.setFont(bold, 16);
                text.showText("Radiology report");
                text.setFont(plain, 11);
                text.setLeading(16);
                for (String line : List.of("", "Patient: Alice Demo-Patient, born 1980-04-12 (synthetic demo data)",
                        "Examination: XR chest PA, 2025-11-24", "Referring physician: Dr Bob Demo-Provider", "",
                        "Findings: The lungs are clear. The heart size is normal.",
                        "No pleural effusion, no pneumothorax. The bones are unremarkable.", "",
                        "Impression: No acute cardiopulmonary abnormality.", "",
                        "Signed: Dr Rita Demo-Radiologist, 2025-11-24 14:30")) {
                    text.newLine();
                    text.showText(line);
                }
                text.endText();
            }
            // a fixed document id: without one the writer derives it from the clock
            byte[] id = "image-portal-demo-report-1".getBytes(StandardCharsets.US_ASCII);
            COSArray ids = new COSArray();
            ids.add(new COSString(id));
            ids.add(new COSString(id));
            doc.getDocument().getTrailer().setItem(COSName.ID, ids);
            doc.save(target.toFile());
        }
    }

    /** Runs a dcmtk tool with {@code args}, the output file last; fails with the tool's own words. */
    private static Path dcmtk(Path dir, String name, String tool, String... args) throws IOException {
        Path out = dir.resolve(name + ".dcm");
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(args));
        command.add(out.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(tool + " is missing: install dcmtk (infra/portal run does)", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(tool + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(tool + " was interrupted", e);
        } finally {
            process.destroy();
        }
        return out;
    }
}
