package org.imageportal.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

/**
 * Images whose pixels a test can predict: {@value #SIZE} x {@value #SIZE} pixels in a 4 x 4 grid of flat blocks
 * of {@value #BLOCK} pixels, block {@code k = row * 4 + column} holding a value known from {@code k} alone, so
 * the centre of each block keeps its value through any codec and any display interpolation. Written natively
 * (explicit VR little endian) by the real toolkit; tests compress them with the real tools.
 */
public final class PatternImages {

    public static final int SIZE = 64;
    public static final int BLOCK = 16;
    public static final int BLOCKS = SIZE / BLOCK;
    /** The CT's pixel spacing in millimetres, along rows and columns. */
    public static final double SPACING_MM = 0.5;
    /** The CT's rescale intercept: stored values are signed, Hounsfield units are stored + this. */
    public static final int CT_INTERCEPT = -24;
    private static final int UNSIGNED_INTERCEPT = -1024;
    /** The CT's window in HU, as its header states it. */
    public static final int CT_CENTER = -274;
    public static final int CT_WIDTH = 1600;
    /** The MONOCHROME1 image's window, in stored values (no rescale). */
    public static final int MONO1_CENTER = 1700;
    public static final int MONO1_WIDTH = 3200;

    /** What a series of the test study holds. */
    public enum Kind {
        CT, MONOCHROME1, RGB
    }

    private PatternImages() {
    }

    /** The HU of block {@code k} in frame {@code frame} (0-based) of the CT pattern. */
    public static int ctHu(int k, int frame) {
        return -1024 + 100 * ((k + 5 * frame) % 16);
    }

    /** The stored value of block {@code k} of the MONOCHROME1 pattern. */
    public static int mono1Stored(int k) {
        return 200 + 200 * k;
    }

    /** The red, green and blue of block {@code k} of the RGB pattern. */
    public static int[] rgb(int k) {
        int column = k % BLOCKS;
        int row = k / BLOCKS;
        return new int[]{30 + 60 * column, 30 + 60 * row, 220 - 12 * k};
    }

    /** The block that image pixel (x, y) lies in. */
    public static int blockAt(int x, int y) {
        return (y / BLOCK) * BLOCKS + x / BLOCK;
    }

    /**
     * A CT of {@code frames} frames, signed 12-bit stored values with a rescale intercept (the modality LUT), pixel
     * spacing {@value #SPACING_MM} mm and the window {@value #CT_CENTER}/{@value #CT_WIDTH} HU in its header.
     */
    public static byte[] ct(TestDicom.Patient patient, String study, int seriesNumber, String description,
            int frames) {
        return ct(patient, study, seriesNumber, description, frames, true);
    }

    /**
     * The CT pattern with unsigned stored values (HU + 1024, intercept -1024), as tools that refuse signed input
     * (JPEG-LS near-lossless, lossy JPEG) need it.
     */
    public static byte[] ctUnsigned(TestDicom.Patient patient, String study, int seriesNumber, String description) {
        return ct(patient, study, seriesNumber, description, 1, false);
    }

    private static byte[] ct(TestDicom.Patient patient, String study, int seriesNumber, String description,
            int frames, boolean signed) {
        try {
            int intercept = signed ? CT_INTERCEPT : UNSIGNED_INTERCEPT;
            AttributeList list = ctHeader(patient, study, seriesNumber, description, intercept);
            if (frames > 1) {
                TestDicom.put(list, TagFromName.NumberOfFrames, Integer.toString(frames));
            }
            short[] pixels = new short[SIZE * SIZE * frames];
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < SIZE * SIZE; i++) {
                    pixels[f * SIZE * SIZE + i] = (short) (ctHu(blockAt(i % SIZE, i / SIZE), f) - intercept);
                }
            }
            return monochrome(list, "MONOCHROME2", signed ? 1 : 0, pixels);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The one-frame CT above, stored unsigned, as HTJ2K lossless (1.2.840.10008.1.2.4.201), compressed by OpenJPH: the toolkit writes
     * the header (explicit VR little endian, as the syntax is) and the encapsulated pixel data is appended as
     * PS3.5 A.4 lays it out (an empty basic offset table, one fragment, the sequence delimiter).
     */
    public static byte[] htj2k(TestDicom.Patient patient, String study, int seriesNumber, String description)
            throws Exception {
        AttributeList list = ctHeader(patient, study, seriesNumber, description, UNSIGNED_INTERCEPT);
        pixelModule(list, "MONOCHROME2", 0);
        ByteBuffer samples = ByteBuffer.allocate(SIZE * SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SIZE * SIZE; i++) {
            samples.putShort((short) (ctHu(blockAt(i % SIZE, i / SIZE), 0) - UNSIGNED_INTERCEPT));
        }
        byte[] codestream = DicomTools.htj2k(samples.array(), SIZE, SIZE, 12, false, null);
        byte[] fragment = codestream.length % 2 == 0 ? codestream : Arrays.copyOf(codestream, codestream.length + 1);
        FileMetaInformation.addFileMetaInformation(list, "1.2.840.10008.1.2.4.201", "PORTALTEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        ByteBuffer pixelData = ByteBuffer.allocate(12 + 8 + 8 + fragment.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        pixelData.putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'B').putShort((short) 0)
                .putInt(0xFFFFFFFF);
        pixelData.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
        pixelData.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(fragment.length).put(fragment);
        pixelData.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
        out.write(pixelData.array());
        return out.toByteArray();
    }

    /** A MONOCHROME1 image (white is the lowest value), unsigned 12-bit, window in its header. */
    public static byte[] monochrome1(TestDicom.Patient patient, String study, int seriesNumber) {
        try {
            AttributeList list = header(patient, study, seriesNumber, "MONOCHROME1",
                    SOPClass.ComputedRadiographyImageStorage, "CR");
            TestDicom.put(list, TagFromName.WindowCenter, Integer.toString(MONO1_CENTER));
            TestDicom.put(list, TagFromName.WindowWidth, Integer.toString(MONO1_WIDTH));
            short[] pixels = new short[SIZE * SIZE];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (short) mono1Stored(blockAt(i % SIZE, i / SIZE));
            }
            return monochrome(list, "MONOCHROME1", 0, pixels);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An 8-bit RGB image, colour by pixel. */
    public static byte[] rgb(TestDicom.Patient patient, String study, int seriesNumber, String description) {
        try {
            AttributeList list = header(patient, study, seriesNumber, description,
                    SOPClass.SecondaryCaptureImageStorage, "OT");
            TestDicom.put(list, TagFromName.PhotometricInterpretation, "RGB");
            TestDicom.unsignedShort(list, TagFromName.Rows, SIZE);
            TestDicom.unsignedShort(list, TagFromName.Columns, SIZE);
            TestDicom.unsignedShort(list, TagFromName.SamplesPerPixel, 3);
            TestDicom.unsignedShort(list, TagFromName.PlanarConfiguration, 0);
            TestDicom.unsignedShort(list, TagFromName.BitsAllocated, 8);
            TestDicom.unsignedShort(list, TagFromName.BitsStored, 8);
            TestDicom.unsignedShort(list, TagFromName.HighBit, 7);
            TestDicom.unsignedShort(list, TagFromName.PixelRepresentation, 0);
            byte[] pixels = new byte[SIZE * SIZE * 3];
            for (int i = 0; i < SIZE * SIZE; i++) {
                int[] c = rgb(blockAt(i % SIZE, i / SIZE));
                for (int s = 0; s < 3; s++) {
                    pixels[i * 3 + s] = (byte) c[s];
                }
            }
            OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
            pixelData.setValues(pixels);
            list.put(pixelData);
            return write(list);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AttributeList header(TestDicom.Patient patient, String study, int seriesNumber,
            String description, String sopClass, String modality) throws Exception {
        AttributeList list = new AttributeList();
        TestDicom.put(list, TagFromName.SOPClassUID, sopClass);
        TestDicom.put(list, TagFromName.SOPInstanceUID, TestDicom.newUid());
        TestDicom.put(list, TagFromName.StudyInstanceUID, study);
        TestDicom.put(list, TagFromName.SeriesInstanceUID, TestDicom.newUid());
        TestDicom.put(list, TagFromName.PatientID, patient.id());
        TestDicom.put(list, TagFromName.IssuerOfPatientID, patient.issuer());
        TestDicom.put(list, TagFromName.PatientName, patient.name());
        TestDicom.put(list, TagFromName.PatientBirthDate, patient.birthDate());
        TestDicom.put(list, TagFromName.PatientSex, "F");
        TestDicom.put(list, TagFromName.StudyDate, "20260115");
        TestDicom.put(list, TagFromName.StudyTime, "101500");
        TestDicom.put(list, TagFromName.AccessionNumber, "ACCPATTERN");
        TestDicom.put(list, TagFromName.StudyDescription, "PATTERNS");
        TestDicom.put(list, TagFromName.StudyID, "1");
        TestDicom.put(list, TagFromName.ReferringPhysicianName, "Referrer^Rita");
        TestDicom.put(list, TagFromName.Modality, modality);
        TestDicom.put(list, TagFromName.SeriesNumber, Integer.toString(seriesNumber));
        TestDicom.put(list, TagFromName.SeriesDescription, description);
        TestDicom.put(list, TagFromName.InstanceNumber, "1");
        TestDicom.put(list, TagFromName.ImageType, "ORIGINAL\\PRIMARY");
        return list;
    }

    private static byte[] monochrome(AttributeList list, String photometric, int pixelRepresentation,
            short[] pixels) throws Exception {
        pixelModule(list, photometric, pixelRepresentation);
        OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        list.put(pixelData);
        return write(list);
    }

    private static AttributeList ctHeader(TestDicom.Patient patient, String study, int seriesNumber,
            String description, int intercept) throws Exception {
        AttributeList list = header(patient, study, seriesNumber, description, SOPClass.CTImageStorage, "CT");
        TestDicom.put(list, TagFromName.PixelSpacing, SPACING_MM + "\\" + SPACING_MM);
        TestDicom.put(list, TagFromName.RescaleIntercept, Integer.toString(intercept));
        TestDicom.put(list, TagFromName.RescaleSlope, "1");
        TestDicom.put(list, TagFromName.RescaleType, "HU");
        TestDicom.put(list, TagFromName.WindowCenter, Integer.toString(CT_CENTER));
        TestDicom.put(list, TagFromName.WindowWidth, Integer.toString(CT_WIDTH));
        return list;
    }

    /** The image pixel module of a 12-bit monochrome image of the pattern's size. */
    private static void pixelModule(AttributeList list, String photometric, int pixelRepresentation)
            throws Exception {
        TestDicom.put(list, TagFromName.PhotometricInterpretation, photometric);
        TestDicom.unsignedShort(list, TagFromName.Rows, SIZE);
        TestDicom.unsignedShort(list, TagFromName.Columns, SIZE);
        TestDicom.unsignedShort(list, TagFromName.SamplesPerPixel, 1);
        TestDicom.unsignedShort(list, TagFromName.BitsAllocated, 16);
        TestDicom.unsignedShort(list, TagFromName.BitsStored, 12);
        TestDicom.unsignedShort(list, TagFromName.HighBit, 11);
        TestDicom.unsignedShort(list, TagFromName.PixelRepresentation, pixelRepresentation);
    }

    private static byte[] write(AttributeList list) throws Exception {
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "PORTALTEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return out.toByteArray();
    }
}
