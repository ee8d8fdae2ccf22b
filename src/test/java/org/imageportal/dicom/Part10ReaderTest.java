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
import com.pixelmed.dicom.TransferSyntax;

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
    void aPrivateValueTheToolkitReadsAsASequenceMustBeOne() throws Exception {
        byte[] base = TestDicom.ct(patient).bytes();
        int pixels = org.imageportal.studies.Dicomweb.indexOf(base, new byte[]{(byte) 0xE0, 0x7F, 0x10, 0x00}, 132);
        java.io.ByteArrayOutputStream crafted = new java.io.ByteArrayOutputStream();
        crafted.write(base, 0, pixels);
        // (0019,0010) LO "HOLOGIC, Inc." : a creator whose (0019,xx8A) the toolkit always reads as a sequence
        crafted.write(new byte[]{0x19, 0x00, 0x10, 0x00, 'L', 'O', 14, 0});
        crafted.write("HOLOGIC, Inc. ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        // (0019,108A) UN of 4 bytes that look like an item tag, then an element whose value reads as a 2 GB length
        crafted.write(new byte[]{0x19, 0x00, (byte) 0x8A, 0x10, 'U', 'N', 0, 0, 4, 0, 0, 0});
        crafted.write(new byte[]{(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
        crafted.write(new byte[]{0x19, 0x00, (byte) 0x8C, 0x10, 'L', 'O', 4, 0});
        crafted.write(new byte[]{(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x7F});
        crafted.write(base, pixels, base.length - pixels);
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(crafted.toByteArray()), LIMITS))
                .isInstanceOf(DicomRejection.class);
    }

    @Test
    void attributeTagValuesAreEightHexDigitsGroupThenElement() throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        com.pixelmed.dicom.AttributeTagAttribute pointer = new com.pixelmed.dicom.AttributeTagAttribute(
                com.pixelmed.dicom.TagFromName.FrameIncrementPointer);
        pointer.addValue(0x0018, 0x2002);
        pointer.addValue(0x0018, 0x1063);
        list.put(pointer);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator json = new com.fasterxml.jackson.core.JsonFactory()
                .createGenerator(out)) {
            DicomJson.writeDataSet(json, list);
        }
        JsonNode node = new ObjectMapper().readTree(out.toByteArray()).path("00280009");
        assertThat(node.path("vr").asText()).isEqualTo("AT");
        assertThat(node.path("Value").get(0).asText()).isEqualTo("00182002");
        assertThat(node.path("Value").get(1).asText()).isEqualTo("00181063");
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

    @Test
    void geometryLargerThanPixelDataIsRefused() throws Exception {
        // Rows = Columns = 8192 of 16 bits declared over 2 bytes of native pixel data: under a kilobyte
        byte[] file = TestDicom.monochromeGeometry(TransferSyntax.ExplicitVRLittleEndian, 8192, 8192, 1, 16, null, 2);
        assertThat(file.length).isLessThan(1024);
        warmUp();
        long before = allocatedByThisThread();
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                .isInstanceOfSatisfying(DicomRejection.class, e -> {
                    assertThat(e.reason()).isEqualTo(DicomRejection.Reason.INVALID_ATTRIBUTE);
                    assertThat(e.getMessage()).contains("pixel data is shorter than Rows x Columns");
                });
        assertThat(PreviewImage.png(() -> new ByteArrayInputStream(file))).isEmpty();
        assertThatThrownBy(() -> Deidentifier.deidentify(file, new Deidentifier.Settings(java.util.Set.of(),
                new byte[32], java.util.List.of()))).isInstanceOf(DicomRejection.class);
        assertThat(allocatedByThisThread() - before).as("bytes allocated").isLessThan(4L << 20);
    }

    @Test
    void hugeDeclaredLengthIsRefusedWithoutAllocating() throws Exception {
        // an OB element declaring 768 MiB just before the pixel data: under a kilobyte in all
        byte[] valid = TestDicom.ct(patient).size(4).bytes();
        int pixelData = valid.length - 32 - 12;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(valid, 0, pixelData);
        out.writeBytes(new byte[]{0x42, 0x00, 0x11, 0x00, 'O', 'B', 0, 0, 0, 0, 0, 0x30});
        out.write(valid, pixelData, valid.length - pixelData);
        byte[] file = out.toByteArray();
        assertThat(file.length).isLessThan(1024);
        warmUp();

        long before = allocatedByThisThread();
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                .isInstanceOfSatisfying(DicomRejection.class,
                        e -> assertThat(e.reason()).isEqualTo(DicomRejection.Reason.TOO_LARGE));
        // with a header limit above the declared length, the length is still not allocated: the file ends first
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file),
                new Part10Reader.Limits(Long.MAX_VALUE, 1 << 30))).isInstanceOfSatisfying(DicomRejection.class,
                        e -> assertThat(e.reason()).isEqualTo(DicomRejection.Reason.TRUNCATED));
        assertThat(PreviewImage.png(() -> new ByteArrayInputStream(file))).isEmpty();
        assertThatThrownBy(() -> Deidentifier.deidentify(file, new Deidentifier.Settings(java.util.Set.of(),
                new byte[32], java.util.List.of()))).isInstanceOfSatisfying(DicomRejection.class,
                        e -> assertThat(e.reason()).isEqualTo(DicomRejection.Reason.TRUNCATED));
        assertThat(allocatedByThisThread() - before).as("bytes allocated").isLessThan(4L << 20);
    }

    @Test
    void brokenStructureIsRefusedWithTheRuleItBreaks() throws Exception {
        byte[] valid = TestDicom.ct(patient).size(4).bytes();
        int pixelData = valid.length - 32 - 12;
        // an undefined length on a text element, an odd length, a VR that is none, and an unclosed sequence
        byte[][] inserts = {{0x10, 0x00, 0x00, 0x40, 'U', 'T', 0, 0, -1, -1, -1, -1},
                {0x08, 0x00, 0x30, 0x10, 'L', 'O', 3, 0, 'a', 'b', 'c'}, {0x10, 0x00, 0x00, 0x40, 'l', 't', 0, 0},
                {0x40, 0x00, 0x30, (byte) 0xA7, 'S', 'Q', 0, 0, -1, -1, -1, -1, (byte) 0xFE, (byte) 0xFF, 0,
                        (byte) 0xE0, -1, -1, -1, -1}};
        String[] messages = {"that is not a sequence has an undefined length", "odd length",
                "no valid value representation", "ends inside its header"};
        for (int i = 0; i < inserts.length; i++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(valid, 0, pixelData);
            out.writeBytes(inserts[i]);
            if (i < 3) {
                out.write(valid, pixelData, valid.length - pixelData);
            }
            byte[] file = out.toByteArray();
            String expected = messages[i];
            assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                    .isInstanceOfSatisfying(DicomRejection.class, e -> assertThat(e.getMessage()).contains(expected));
        }
    }

    @Test
    void sequencesNestedTooDeeplyAreRefused() throws Exception {
        byte[] valid = TestDicom.ct(patient).size(4).bytes();
        int pixelData = valid.length - 32 - 12;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(valid, 0, pixelData);
        byte[] open = {0x40, 0x00, 0x30, (byte) 0xA7, 'S', 'Q', 0, 0, -1, -1, -1, -1, (byte) 0xFE, (byte) 0xFF, 0,
                (byte) 0xE0, -1, -1, -1, -1};
        byte[] close = {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0, (byte) 0xFE, (byte) 0xFF,
                (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        for (int depth = 0; depth <= DataSetWalker.MAX_DEPTH; depth++) {
            out.writeBytes(open);
        }
        for (int depth = 0; depth <= DataSetWalker.MAX_DEPTH; depth++) {
            out.writeBytes(close);
        }
        out.write(valid, pixelData, valid.length - pixelData);
        byte[] file = out.toByteArray();
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                .isInstanceOfSatisfying(DicomRejection.class, e -> assertThat(e.getMessage()).contains("nested"));
    }

    @Test
    void framesAndFrameSizeAreCapped() {
        byte[] file = TestDicom.monochromeGeometry(TransferSyntax.ExplicitVRLittleEndian, 64, 64, 1, 8, "4",
                64 * 64 * 4);
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file),
                new Part10Reader.Limits(1 << 20, 64 * 1024, 1000, 10))).isInstanceOfSatisfying(DicomRejection.class,
                        e -> assertThat(e.reason()).isEqualTo(DicomRejection.Reason.TOO_LARGE));
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file),
                new Part10Reader.Limits(1 << 20, 64 * 1024, 1 << 20, 3))).isInstanceOfSatisfying(
                        DicomRejection.class, e -> assertThat(e.getMessage()).contains("more than 3 frames"));
    }

    /** Loads the classes the measured code uses, so that their loading is not counted. */
    private void warmUp() throws Exception {
        byte[] file = TestDicom.ct(patient).size(4).bytes();
        Part10Reader.open(new ByteArrayInputStream(file), LIMITS).content().readAllBytes();
        PreviewImage.png(() -> new ByteArrayInputStream(file));
        Deidentifier.deidentify(file, new Deidentifier.Settings(java.util.Set.of(), new byte[32], java.util.List.of()));
    }

    private static long allocatedByThisThread() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemoryEnabled()).as("allocation is measured per thread").isTrue();
        return threads.getCurrentThreadAllocatedBytes();
    }

    private static void assertRejected(byte[] file, DicomRejection.Reason reason) {
        assertThatThrownBy(() -> Part10Reader.open(new ByteArrayInputStream(file), LIMITS))
                .isInstanceOfSatisfying(DicomRejection.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
