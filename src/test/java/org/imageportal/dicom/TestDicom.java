package org.imageportal.dicom;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.UUID;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;

/** Synthetic DICOM instances for tests, written by the real toolkit. Never real patients. */
public final class TestDicom {

    /** A patient as a data set names them. */
    public record Patient(String id, String issuer, String name, String birthDate) {

        public static Patient random() {
            String suffix = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
            return new Patient("MRN" + suffix, "PRACTICE", "Testpatient^Ann" + suffix, "19800101");
        }

        /** The name as the pages show it: given name, then family name ("Ann1234 Testpatient"). */
        public String shownName() {
            String[] parts = name.split("\\^");
            return parts.length < 2 ? name : parts[1] + " " + parts[0];
        }

        public Patient withName(String other) {
            return new Patient(id, issuer, other, birthDate);
        }

        public Patient withBirthDate(String other) {
            return new Patient(id, issuer, name, other);
        }
    }

    private final Patient patient;
    private String studyUid = newUid();
    private String seriesUid = newUid();
    private String sopInstanceUid = newUid();
    private String sopClassUid = SOPClass.CTImageStorage;
    private String studyDate = "20260115";
    private String accession = "ACC" + UUID.randomUUID().toString().substring(0, 6);
    private String modality = "CT";
    private int size = 16;
    private int instanceNumber = 1;
    private int seriesNumber = 1;
    private long seed = 1;
    private int frames = 1;
    private String windowCenter = "1024";
    private String windowWidth = "2048";
    private java.util.function.Consumer<AttributeList> more = list -> {
    };

    private TestDicom(Patient patient) {
        this.patient = patient;
    }

    public static TestDicom ct(Patient patient) {
        return new TestDicom(patient);
    }

    /** A UID under the 2.25 (UUID) root. */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        return "2.25." + new java.math.BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
    }

    public TestDicom study(String uid) {
        this.studyUid = uid;
        return this;
    }

    public TestDicom series(String uid) {
        this.seriesUid = uid;
        return this;
    }

    public TestDicom sopInstance(String uid) {
        this.sopInstanceUid = uid;
        return this;
    }

    public TestDicom sopClass(String uid) {
        this.sopClassUid = uid;
        return this;
    }

    public TestDicom studyDate(String date) {
        this.studyDate = date;
        return this;
    }

    public TestDicom accession(String value) {
        this.accession = value;
        return this;
    }

    public TestDicom modality(String value) {
        this.modality = value;
        return this;
    }

    public TestDicom size(int rowsAndColumns) {
        this.size = rowsAndColumns;
        return this;
    }

    public TestDicom number(int value) {
        this.instanceNumber = value;
        return this;
    }

    /** Series Number (default 1). */
    public TestDicom seriesNumber(int value) {
        this.seriesNumber = value;
        return this;
    }

    /** The window the file suggests (Window Center and Width), by default 1024 and 2048. */
    public TestDicom window(int center, int width) {
        this.windowCenter = Integer.toString(center);
        this.windowWidth = Integer.toString(width);
        return this;
    }

    /** A multi-frame image of {@code count} frames (Number of Frames is written only when it is more than one). */
    public TestDicom frames(int count) {
        this.frames = count;
        return this;
    }

    /**
     * The performed procedure step's start and one item of the Request Attributes Sequence naming the requested
     * procedure and the scheduled step the series was made for.
     */
    private static final AttributeTag SCHEDULED_PROCEDURE_STEP_ID = new AttributeTag(0x0040, 0x0009);

    public TestDicom performedFor(String startDate, String startTime, String requestedProcedureId, String stepId) {
        this.more = this.more.andThen(list -> {
            try {
                put(list, TagFromName.PerformedProcedureStepStartDate, startDate);
                put(list, TagFromName.PerformedProcedureStepStartTime, startTime);
                AttributeList item = new AttributeList();
                put(item, TagFromName.RequestedProcedureID, requestedProcedureId);
                Attribute step = new com.pixelmed.dicom.ShortStringAttribute(SCHEDULED_PROCEDURE_STEP_ID);
                step.addValue(stepId);
                item.put(step);
                put(item, TagFromName.AccessionNumber, accession);
                com.pixelmed.dicom.SequenceAttribute sequence = new com.pixelmed.dicom.SequenceAttribute(
                        TagFromName.RequestAttributesSequence);
                sequence.addItem(item);
                list.put(sequence);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return this;
    }

    public TestDicom seed(long value) {
        this.seed = value;
        return this;
    }

    public String studyUid() {
        return studyUid;
    }

    public String seriesUid() {
        return seriesUid;
    }

    public String sopInstanceUid() {
        return sopInstanceUid;
    }

    public String accessionNumber() {
        return accession;
    }

    /** The Part 10 file. */
    public byte[] bytes() {
        try {
            AttributeList list = new AttributeList();
            put(list, TagFromName.SOPClassUID, sopClassUid);
            put(list, TagFromName.SOPInstanceUID, sopInstanceUid);
            put(list, TagFromName.StudyInstanceUID, studyUid);
            put(list, TagFromName.SeriesInstanceUID, seriesUid);
            put(list, TagFromName.PatientID, patient.id());
            put(list, TagFromName.IssuerOfPatientID, patient.issuer());
            put(list, TagFromName.PatientName, patient.name());
            put(list, TagFromName.PatientBirthDate, patient.birthDate());
            put(list, TagFromName.PatientSex, "F");
            put(list, TagFromName.StudyDate, studyDate);
            put(list, TagFromName.StudyTime, "101500");
            put(list, TagFromName.AccessionNumber, accession);
            put(list, TagFromName.StudyDescription, "CT CHEST");
            put(list, TagFromName.StudyID, "1");
            put(list, TagFromName.ReferringPhysicianName, "Referrer^Rita");
            put(list, TagFromName.Modality, modality);
            put(list, TagFromName.SeriesNumber, Integer.toString(seriesNumber));
            put(list, TagFromName.BodyPartExamined, "CHEST");
            put(list, TagFromName.WindowCenter, windowCenter);
            put(list, TagFromName.WindowWidth, windowWidth);
            put(list, TagFromName.SeriesDescription, "AXIAL");
            put(list, TagFromName.InstanceNumber, Integer.toString(instanceNumber));
            put(list, TagFromName.ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
            put(list, TagFromName.PixelSpacing, "0.7\\0.7");
            if (frames > 1) {
                put(list, TagFromName.NumberOfFrames, Integer.toString(frames));
            }
            more.accept(list);
            short[] pixels = new short[size * size * frames];
            Random random = new Random(seed);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (short) random.nextInt(4096);
            }
            return monochromePart10(list, size, pixels);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Completes {@code list} as a 12-bit MONOCHROME2 image of {@code size} x {@code size} pixels (image pixel module
     * and native pixel data), adds the file meta information and writes the Part 10 file, explicit VR little endian.
     */
    static byte[] monochromePart10(AttributeList list, int size, short[] pixels) throws Exception {
        put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
        unsignedShort(list, TagFromName.Rows, size);
        unsignedShort(list, TagFromName.Columns, size);
        unsignedShort(list, TagFromName.SamplesPerPixel, 1);
        unsignedShort(list, TagFromName.BitsAllocated, 16);
        unsignedShort(list, TagFromName.BitsStored, 12);
        unsignedShort(list, TagFromName.HighBit, 11);
        unsignedShort(list, TagFromName.PixelRepresentation, 0);
        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        list.put(pixelData);
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "PORTALTEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return out.toByteArray();
    }

    /**
     * A small CT whose image pixel module says what it is told (valid or not), with {@code pixelBytes} bytes of
     * native pixel data, written in {@code syntax}: for checks that declared geometry is not trusted.
     */
    static byte[] monochromeGeometry(String syntax, int rows, int columns, int samples, int bits, String frames,
            int pixelBytes) {
        try {
            AttributeList overrides = new AttributeList();
            unsignedShort(overrides, TagFromName.Rows, rows);
            unsignedShort(overrides, TagFromName.Columns, columns);
            unsignedShort(overrides, TagFromName.SamplesPerPixel, samples);
            unsignedShort(overrides, TagFromName.BitsAllocated, bits);
            if (frames != null) {
                put(overrides, TagFromName.NumberOfFrames, frames);
            }
            return monochromeGeometry(syntax, overrides, pixelBytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** As above, the 16 x 16 12-bit image pixel module changed by {@code overrides}. */
    static byte[] monochromeGeometry(String syntax, AttributeList overrides, int pixelBytes) {
        try {
            AttributeList list = new AttributeList();
            put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
            put(list, TagFromName.SOPInstanceUID, "1.2.826.0.1.3680043.9.7777.98.3");
            put(list, TagFromName.StudyInstanceUID, "1.2.826.0.1.3680043.9.7777.98.1");
            put(list, TagFromName.SeriesInstanceUID, "1.2.826.0.1.3680043.9.7777.98.2");
            put(list, TagFromName.PatientID, "MRNGEOMETRY");
            put(list, TagFromName.PatientName, "Geometry^Gina");
            put(list, TagFromName.Modality, "CT");
            put(list, TagFromName.PhotometricInterpretation, "MONOCHROME2");
            unsignedShort(list, TagFromName.Rows, 16);
            unsignedShort(list, TagFromName.Columns, 16);
            unsignedShort(list, TagFromName.SamplesPerPixel, 1);
            unsignedShort(list, TagFromName.BitsAllocated, 16);
            unsignedShort(list, TagFromName.BitsStored, 12);
            unsignedShort(list, TagFromName.HighBit, 11);
            unsignedShort(list, TagFromName.PixelRepresentation, 0);
            for (Attribute a : overrides.values()) {
                list.put(a);
            }
            com.pixelmed.dicom.OtherByteAttribute pixelData = new com.pixelmed.dicom.OtherByteAttribute(
                    TagFromName.PixelData);
            pixelData.setValues(new byte[pixelBytes]);
            list.put(pixelData);
            FileMetaInformation.addFileMetaInformation(list, syntax, "PORTALTEST");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, syntax, true, true);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DICOMDIR as a CD carries it: a Part 10 file whose media storage SOP class is the directory's. */
    public static byte[] dicomdir() {
        try {
            AttributeList list = new AttributeList();
            put(list, TagFromName.FileSetID, "PATIENTCD");
            list.put(new com.pixelmed.dicom.SequenceAttribute(TagFromName.DirectoryRecordSequence));
            FileMetaInformation.addFileMetaInformation(list, "1.2.840.10008.1.3.10", newUid(),
                    TransferSyntax.ExplicitVRLittleEndian, "PORTALTEST");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void put(AttributeList list, AttributeTag tag, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    static void unsignedShort(AttributeList list, AttributeTag tag, int value) throws Exception {
        Attribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    /** The data set as a Part 10 file in Explicit VR Little Endian, its file meta information added. */
    static byte[] written(AttributeList list) throws Exception {
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "PORTALTEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return out.toByteArray();
    }
}
