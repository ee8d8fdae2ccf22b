package org.imageportal.dicom;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;

/**
 * Images that exercise every path of a JPEG-LS coder, written native by the toolkit: flat areas (run mode, runs that
 * end a line and runs interrupted), smooth ramps and edges (regular mode in many contexts) and full-range noise (long
 * Golomb codes and their escape), at a size that is not a multiple of anything.
 */
record JpegLsImages(int rows, int columns, int samples, int bitsAllocated, int bitsStored, boolean signed, long seed) {

    static final JpegLsImages GREY8 = new JpegLsImages(29, 37, 1, 8, 8, false, 1);
    static final JpegLsImages GREY12 = new JpegLsImages(31, 41, 1, 16, 12, false, 2);
    static final JpegLsImages GREY16 = new JpegLsImages(27, 33, 1, 16, 16, false, 3);
    static final JpegLsImages SIGNED16 = new JpegLsImages(27, 33, 1, 16, 16, true, 4);
    static final JpegLsImages RGB = new JpegLsImages(23, 35, 3, 8, 8, false, 5);
    static final JpegLsImages CT512 = new JpegLsImages(512, 512, 1, 16, 12, false, 6);

    /** The value of sample {@code s} of pixel (x, y), within Bits Stored. */
    int value(int x, int y, int s, Random noise) {
        int max = (1 << bitsStored) - 1;
        int band = y * 6 / rows;
        int v = switch (band) {
            case 0 -> max / 3 + s * 7; // flat: runs across whole lines
            case 1 -> x < columns / 2 ? max / 5 : max / 5 + (x == columns / 2 ? 3 : 1); // runs interrupted
            case 2 -> (x * max / columns + y * 3 + s * 11) % (max + 1); // a ramp
            case 3 -> (x / 4 + y / 3) % 2 == 0 ? max / 8 : max - max / 8 - s; // sharp edges
            case 4 -> Math.clamp(max / 2 + (x - y) * 5 + noise.nextInt(9) - 4, 0, max); // texture
            default -> noise.nextInt(max + 1); // noise over the full range
        };
        return v;
    }

    /** The Part 10 file, native, Explicit VR Little Endian. */
    byte[] bytes() {
        try {
            AttributeList list = new AttributeList();
            var text = new java.util.LinkedHashMap<com.pixelmed.dicom.AttributeTag, String>();
            text.put(TagFromName.SOPClassUID, SOPClass.SecondaryCaptureImageStorage);
            text.put(TagFromName.SOPInstanceUID, TestDicom.newUid());
            text.put(TagFromName.StudyInstanceUID, TestDicom.newUid());
            text.put(TagFromName.SeriesInstanceUID, TestDicom.newUid());
            text.put(TagFromName.PatientID, "MRNJLS");
            text.put(TagFromName.PatientName, "Pattern^Lena");
            text.put(TagFromName.Modality, "OT");
            text.put(TagFromName.PhotometricInterpretation, samples == 3 ? "RGB" : "MONOCHROME2");
            for (var e : text.entrySet()) {
                TestDicom.put(list, e.getKey(), e.getValue());
            }
            int[] module = {rows, columns, samples, bitsAllocated, bitsStored, bitsStored - 1, signed ? 1 : 0, 0};
            var tags = List.of(TagFromName.Rows, TagFromName.Columns, TagFromName.SamplesPerPixel,
                    TagFromName.BitsAllocated, TagFromName.BitsStored, TagFromName.HighBit,
                    TagFromName.PixelRepresentation, TagFromName.PlanarConfiguration);
            for (int i = 0; i < (samples == 3 ? tags.size() : tags.size() - 1); i++) {
                TestDicom.unsignedShort(list, tags.get(i), module[i]);
            }
            Random noise = new Random(seed);
            int count = rows * columns * samples;
            short[] words = new short[bitsAllocated == 16 ? count : 0];
            byte[] bytes = new byte[bitsAllocated == 16 ? 0 : count + (count & 1)];
            for (int i = 0; i < count; i++) {
                int pixel = i / samples;
                int v = value(pixel % columns, pixel / columns, i % samples, noise);
                if (bitsAllocated == 16) {
                    words[i] = (short) v;
                } else {
                    bytes[i] = (byte) v;
                }
            }
            com.pixelmed.dicom.Attribute data;
            if (bitsAllocated == 16) {
                data = new OtherWordAttribute(TagFromName.PixelData);
                data.setValues(words);
            } else {
                data = new OtherByteAttribute(TagFromName.PixelData);
                data.setValues(bytes);
            }
            list.put(data);
            return TestDicom.written(list);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The native pixel data of the first frame of a Part 10 file, as the portal reads it. */
    static byte[] nativePixels(byte[] file) throws Exception {
        try (FrameDecoder decoder = FrameDecoder.open(() -> new ByteArrayInputStream(file))) {
            return decoder.decode(1).nativePixelData();
        }
    }

    /**
     * The JPEG-LS codestream of a single-frame file as dcmtk writes it (one fragment): from SOI to the end of the
     * fragment, before the sequence delimiter.
     */
    static byte[] codestream(byte[] file) {
        for (int i = file.length - 16; i >= 0; i--) {
            if (file[i] == (byte) 0xE0 && file[i + 1] == 0x7F && file[i + 2] == 0x10 && file[i + 3] == 0) {
                for (int j = i; j + 3 < file.length; j++) {
                    if (file[j] == (byte) 0xFF && file[j + 1] == (byte) 0xD8 && file[j + 2] == (byte) 0xFF) {
                        return java.util.Arrays.copyOfRange(file, j, file.length - 8);
                    }
                }
            }
        }
        throw new IllegalArgumentException("no JPEG-LS codestream in the file");
    }
}
