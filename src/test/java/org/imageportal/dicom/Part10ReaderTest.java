package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class Part10ReaderTest {

    private static final Part10Reader.Limits LIMITS = new Part10Reader.Limits(1 << 20, 64 * 1024);
    private final TestDicom.Patient patient = TestDicom.Patient.random();

    @Test
    void validInstanceIsStreamedOnByteForByteWithItsHeaderRead() throws Exception {
        TestDicom dicom = TestDicom.ct(patient).size(64);
        byte[] file = dicom.bytes();

        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(file), LIMITS);
        byte[] streamed = instance.content().readAllBytes();

        assertThat(streamed).isEqualTo(file);
        assertThat(instance.size()).isEqualTo(file.length);
        assertThat(instance.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(file));
        InstanceHeader header = instance.header();
        assertThat(header.sopInstanceUid()).isEqualTo(dicom.sopInstanceUid());
        assertThat(header.studyInstanceUid()).isEqualTo(dicom.studyUid());
        assertThat(header.seriesInstanceUid()).isEqualTo(dicom.seriesUid());
        assertThat(header.transferSyntaxUid()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(header.patient().patientId()).isEqualTo(patient.id());
        assertThat(header.patient().name()).isEqualTo(patient.name());
        assertThat(header.rows()).isEqualTo(64);
        assertThat(header.modality()).isEqualTo("CT");
        assertThat(header.toString()).doesNotContain(patient.name()).doesNotContain(patient.id());
    }

    @Test
    void nativePixelDataIsDescribedAsFramesAndReadOnFromTheHeader() throws Exception {
        byte[] file = TestDicom.ct(patient).size(32).bytes();
        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(file), LIMITS);

        assertThat(instance.nativeFrames()).contains(new Part10Instance.NativeFrames(32 * 32 * 2, 1, 32 * 32 * 2));
        assertThat(instance.pixelValue().readAllBytes())
                .isEqualTo(Arrays.copyOfRange(file, file.length - 32 * 32 * 2, file.length));
        assertThatThrownBy(instance::content).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pixelDataShorterThanItsDeclaredLengthFailsWhileReadNeverSilently() throws Exception {
        byte[] file = TestDicom.ct(patient).size(32).bytes();
        byte[] cut = Arrays.copyOf(file, file.length - 100);
        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(cut), LIMITS);
        assertThatThrownBy(() -> instance.pixelValue().readAllBytes()).isInstanceOf(java.io.EOFException.class);
    }

    @Test
    void aDicomdirIsRecognisedAsTheIndexOfAMediumNotAnImage() {
        assertRejected(TestDicom.dicomdir(), DicomRejection.Reason.MEDIA_DIRECTORY);
    }

    @Test
    void textFileIsNotDicom() {
        byte[] text = "hello, this is a readme from the CD".repeat(10).getBytes(StandardCharsets.UTF_8);
        assertRejected(text, DicomRejection.Reason.NOT_DICOM);
    }

    @Test
    void fileCutInsideItsHeaderIsTruncated() {
        byte[] file = TestDicom.ct(patient).bytes();
        assertRejected(Arrays.copyOf(file, 300), DicomRejection.Reason.TRUNCATED);
    }

    @Test
    void fileCutInsideItsPixelDataFailsWhileStreaming() throws Exception {
        byte[] file = TestDicom.ct(patient).size(64).bytes();
        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(Arrays.copyOf(file, file.length - 10)),
                LIMITS);
        try (InputStream content = instance.content()) {
            assertThatThrownBy(content::readAllBytes).isInstanceOfSatisfying(DicomStreamException.class,
                    e -> assertThat(e.rejection().reason()).isEqualTo(DicomRejection.Reason.TRUNCATED));
        }
    }

    @Test
    void instanceOverTheLimitFailsWhileStreaming() throws Exception {
        byte[] file = TestDicom.ct(patient).size(256).bytes();
        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(file),
                new Part10Reader.Limits(100_000, 64 * 1024));
        try (InputStream content = instance.content()) {
            assertThatThrownBy(content::readAllBytes).isInstanceOfSatisfying(DicomStreamException.class,
                    e -> assertThat(e.rejection().reason()).isEqualTo(DicomRejection.Reason.TOO_LARGE));
        }
    }

    @Test
    void headerOverItsLimitIsRejected() {
        byte[] file = TestDicom.ct(patient).bytes();
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file),
                new Part10Reader.Limits(1 << 20, 200))).isInstanceOfSatisfying(DicomRejection.class,
                        e -> assertThat(e.reason()).isEqualTo(DicomRejection.Reason.TOO_LARGE));
    }

    @Test
    void invalidSopInstanceUidIsNamed() {
        byte[] file = TestDicom.ct(patient).sopInstance("1.2.abc").bytes();
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                .isInstanceOfSatisfying(DicomRejection.class, e -> {
                    assertThat(e.reason()).isEqualTo(DicomRejection.Reason.INVALID_ATTRIBUTE);
                    assertThat(e.getMessage()).contains("SOP Instance UID");
                });
    }

    @Test
    void nonStorageSopClassIsRefused() {
        byte[] file = TestDicom.ct(patient).sopClass("1.2.840.10008.5.1.1.1").bytes();
        assertRejected(file, DicomRejection.Reason.UNSUPPORTED_SOP_CLASS);
    }

    @Test
    void metadataIsDicomJsonWithPixelDataAsBulkData() throws Exception {
        TestDicom dicom = TestDicom.ct(patient);
        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(dicom.bytes()), LIMITS);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        // through the stored form, as retrieval gets it from the index
        InstanceMetadata.of(instance.metadata().bytes()).writeTo(out, "https://portal/bulk?\"quoted\"");
        JsonNode node = new ObjectMapper().readTree(out.toByteArray());
        assertThat(node.path("00100010").path("vr").asText()).isEqualTo("PN");
        assertThat(node.path("00100010").path("Value").get(0).path("Alphabetic").asText()).isEqualTo(patient.name());
        assertThat(node.path("0020000D").path("Value").get(0).asText()).isEqualTo(dicom.studyUid());
        assertThat(node.path("00280010").path("Value").get(0).isNumber()).isTrue();
        assertThat(node.path("00280030").path("Value").get(1).asDouble()).isEqualTo(0.7);
        assertThat(node.path("7FE00010").path("BulkDataURI").asText()).isEqualTo("https://portal/bulk?\"quoted\"");
        assertThat(node.has("00020010")).as("file meta information is not part of the metadata").isFalse();
        assertThat(node.path("7FE00010").path("vr").asText()).isEqualTo("OW");
    }

    @Test
    void storedMetadataOfAnInstanceWithoutPixelDataStaysValidJson() throws Exception {
        InstanceMetadata none = InstanceMetadata.of("--{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        none.writeTo(out, "https://portal/bulk");
        assertThat(out.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("{}");
        InstanceMetadata empty = InstanceMetadata.of("OB{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.reset();
        empty.writeTo(out, "u");
        assertThat(new ObjectMapper().readTree(out.toByteArray()).path("7FE00010").path("BulkDataURI").asText())
                .isEqualTo("u");
        assertThatThrownBy(() -> InstanceMetadata.of("XX{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRejected(byte[] file, DicomRejection.Reason reason) {
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                .isInstanceOfSatisfying(DicomRejection.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
