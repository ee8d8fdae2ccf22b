package org.imageportal.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;

/**
 * Synthetic images whose every pixel is a known function of its position, frame and sample, in each photometric
 * interpretation and pixel format a decoder must handle; written native by the toolkit, compressed by the real tools.
 */
public record PatternImage(String photometric, int bits, int stored, boolean signed, boolean planar, int size,
        int frames) {

    public static PatternImage grey16() {
        return new PatternImage("MONOCHROME2", 16, 12, false, false, 64, 1);
    }

    public static PatternImage signed16() {
        return new PatternImage("MONOCHROME2", 16, 16, true, false, 64, 1);
    }

    public static PatternImage grey8() {
        return new PatternImage("MONOCHROME2", 8, 8, false, false, 64, 1);
    }

    public static PatternImage monochrome1() {
        return new PatternImage("MONOCHROME1", 16, 12, false, false, 64, 1);
    }

    public static PatternImage rgb() {
        return new PatternImage("RGB", 8, 8, false, false, 64, 1);
    }

    public static PatternImage rgbPlanar() {
        return new PatternImage("RGB", 8, 8, false, true, 64, 1);
    }

    public static PatternImage ybrFull() {
        return new PatternImage("YBR_FULL", 8, 8, false, false, 64, 1);
    }

    public static PatternImage palette() {
        return new PatternImage("PALETTE COLOR", 8, 8, false, false, 64, 1);
    }

    public PatternImage frames(int count) {
        return new PatternImage(photometric, bits, stored, signed, planar, size, count);
    }

    public boolean colour() {
        return photometric.equals("RGB") || photometric.startsWith("YBR");
    }

    /** The stored grey value (or palette index) of a pixel: a smooth ramp with a little texture. */
    public int grey(int x, int y, int frame) {
        int texture = (x * 7 + y * 13) % 5;
        if (bits == 8) {
            return x + 2 * y + 8 * (frame - 1) + texture;
        }
        if (signed) {
            return 30 * x + 30 * y - 1900 + 50 * (frame - 1) + texture;
        }
        return 20 * x + 40 * y + 100 * (frame - 1) + texture;
    }

    /** The colour of a pixel as 0xRRGGBB (for colour and palette images). */
    public int rgb(int x, int y, int frame) {
        if (photometric.equals("PALETTE COLOR")) {
            int i = grey(x, y, frame);
            return i << 16 | (255 - i) << 8 | (i * 3) % 256;
        }
        int r = 4 * x;
        int g = 4 * y;
        int b = Math.min(255, 2 * (x + y) + 8 * (frame - 1));
        return r << 16 | g << 8 | b;
    }

    /** The grey value a window of this image's source maps to, for rendered checks: the stored value as modality. */
    public double modality(int x, int y, int frame) {
        return grey(x, y, frame);
    }

    /** The Part 10 file, native, Explicit VR Little Endian. */
    public byte[] bytes() {
        try {
            AttributeList list = new AttributeList();
            TestDicom.put(list, TagFromName.SOPClassUID, colour() || photometric.equals("PALETTE COLOR")
                    ? SOPClass.SecondaryCaptureImageStorage
                    : SOPClass.CTImageStorage);
            TestDicom.put(list, TagFromName.SOPInstanceUID, TestDicom.newUid());
            TestDicom.put(list, TagFromName.StudyInstanceUID, TestDicom.newUid());
            TestDicom.put(list, TagFromName.SeriesInstanceUID, TestDicom.newUid());
            TestDicom.put(list, TagFromName.PatientID, "MRNPATTERN");
            TestDicom.put(list, TagFromName.PatientName, "Pattern^Paula");
            TestDicom.put(list, TagFromName.Modality, colour() ? "OT" : "CT");
            TestDicom.put(list, TagFromName.PhotometricInterpretation, photometric);
            TestDicom.unsignedShort(list, TagFromName.Rows, size);
            TestDicom.unsignedShort(list, TagFromName.Columns, size);
            TestDicom.unsignedShort(list, TagFromName.SamplesPerPixel, colour() ? 3 : 1);
            TestDicom.unsignedShort(list, TagFromName.BitsAllocated, bits);
            TestDicom.unsignedShort(list, TagFromName.BitsStored, stored);
            TestDicom.unsignedShort(list, TagFromName.HighBit, stored - 1);
            TestDicom.unsignedShort(list, TagFromName.PixelRepresentation, signed ? 1 : 0);
            if (colour()) {
                TestDicom.unsignedShort(list, TagFromName.PlanarConfiguration, planar ? 1 : 0);
            }
            if (frames > 1) {
                TestDicom.put(list, TagFromName.NumberOfFrames, Integer.toString(frames));
            }
            if (photometric.equals("PALETTE COLOR")) {
                palette(list);
            }
            int pixels = size * size;
            if (bits == 16) {
                short[] values = new short[pixels * frames];
                for (int f = 1; f <= frames; f++) {
                    for (int i = 0; i < pixels; i++) {
                        values[(f - 1) * pixels + i] = (short) grey(i % size, i / size, f);
                    }
                }
                OtherWordAttribute data = new OtherWordAttribute(TagFromName.PixelData);
                data.setValues(values);
                list.put(data);
            } else {
                int samples = colour() ? 3 : 1;
                byte[] values = new byte[pixels * samples * frames];
                for (int f = 1; f <= frames; f++) {
                    int base = (f - 1) * pixels * samples;
                    for (int i = 0; i < pixels; i++) {
                        int x = i % size;
                        int y = i / size;
                        if (samples == 1) {
                            values[base + i] = (byte) grey(x, y, f);
                            continue;
                        }
                        int[] c = components(rgb(x, y, f));
                        for (int s = 0; s < 3; s++) {
                            values[base + (planar ? s * pixels + i : 3 * i + s)] = (byte) c[s];
                        }
                    }
                }
                OtherByteAttribute data = new OtherByteAttribute(TagFromName.PixelData);
                data.setValues(values);
                list.put(data);
            }
            return TestDicom.written(list);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The three stored samples of a colour: RGB as is, YBR_FULL by PS3.3 C.7.6.3.1.2. */
    private int[] components(int rgb) {
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        if (!photometric.equals("YBR_FULL")) {
            return new int[]{r, g, b};
        }
        int y = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        int cb = (int) Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
        int cr = (int) Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
        return new int[]{Math.clamp(y, 0, 255), Math.clamp(cb, 0, 255), Math.clamp(cr, 0, 255)};
    }

    private void palette(AttributeList list) throws Exception {
        for (int c = 0; c < 3; c++) {
            var descriptor = new com.pixelmed.dicom.UnsignedShortAttribute(switch (c) {
                case 0 -> TagFromName.RedPaletteColorLookupTableDescriptor;
                case 1 -> TagFromName.GreenPaletteColorLookupTableDescriptor;
                default -> TagFromName.BluePaletteColorLookupTableDescriptor;
            });
            descriptor.addValue(256);
            descriptor.addValue(0);
            descriptor.addValue(16);
            list.put(descriptor);
            short[] table = new short[256];
            for (int i = 0; i < 256; i++) {
                int level = switch (c) {
                    case 0 -> i;
                    case 1 -> 255 - i;
                    default -> (i * 3) % 256;
                };
                table[i] = (short) (level << 8 | level);
            }
            OtherWordAttribute data = new OtherWordAttribute(switch (c) {
                case 0 -> TagFromName.RedPaletteColorLookupTableData;
                case 1 -> TagFromName.GreenPaletteColorLookupTableData;
                default -> TagFromName.BluePaletteColorLookupTableData;
            });
            data.setValues(table);
            list.put(data);
        }
    }
}
