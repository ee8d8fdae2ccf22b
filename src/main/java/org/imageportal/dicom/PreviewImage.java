package org.imageportal.dicom;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import javax.imageio.ImageIO;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

/**
 * Renders the first frame of an instance as an 8-bit PNG a patient can open anywhere: grayscale with the modality
 * rescale and the instance's first VOI window (or the full range when it has none), MONOCHROME1 inverted; 8-bit RGB
 * as it is. Only native (uncompressed) pixel data is rendered; anything else has no preview rather than a wrong one.
 * The header is read with the same bounded reader as at ingest and only the first frame's bytes are read; nothing is
 * allocated before the geometry has been checked against the pixel data and the preview cap.
 */
public final class PreviewImage {

    /**
     * 4096 x 4096 pixels: every CT, MR, CR, DX and mammography frame fits; a bigger frame gets no preview, which keeps a
     * preview under about 100 MB while it is made (raw frame plus image).
     */
    static final long MAX_PREVIEW_PIXELS = 4096L * 4096;

    private static final Part10Reader.Limits LIMITS = new Part10Reader.Limits(Long.MAX_VALUE, 64 << 20);

    private PreviewImage() {
    }

    /** The PNG, or empty if the instance has no pixel data this renderer can show faithfully. */
    public static Optional<byte[]> png(InputStream part10) throws IOException {
        Part10Instance instance;
        try {
            instance = Part10Reader.open(part10, LIMITS);
        } catch (DicomRejection e) {
            return Optional.empty();
        }
        Optional<Part10Instance.NativeFrames> frames = instance.nativeFrames();
        ImageGeometry geometry = instance.geometry();
        if (frames.isEmpty() || geometry.framePixels() > MAX_PREVIEW_PIXELS) {
            return Optional.empty();
        }
        AttributeList list = instance.attributes();
        String photometric = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation)
                .trim();
        int rows = geometry.rows();
        int columns = geometry.columns();
        int bits = geometry.bitsAllocated();
        boolean gray = geometry.samples() == 1 && photometric.startsWith("MONOCHROME") && (bits == 8 || bits == 16);
        boolean rgb = geometry.samples() == 3 && "RGB".equals(photometric) && bits == 8;
        if (!gray && !rgb) {
            return Optional.empty();
        }
        int frameBytes = (int) frames.get().frameBytes();
        byte[] raw;
        try (InputStream pixels = instance.pixelValue()) {
            // read in chunks: the stored value may still be shorter than its header says
            raw = pixels.readNBytes(frameBytes);
        } catch (EOFException e) {
            return Optional.empty();
        }
        if (raw.length < frameBytes) {
            return Optional.empty();
        }
        BufferedImage image = gray
                ? grayscale(list, raw, rows, columns, bits, "MONOCHROME1".equals(photometric))
                : rgb(list, raw, rows, columns);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Optional.of(out.toByteArray());
    }

    /** Rescaled value of pixel {@code i}: the stored value (BitsStored low bits, sign-extended) x slope + intercept. */
    private record Rescale(byte[] raw, boolean wide, int stored, boolean signed, double slope, double intercept) {

        double value(int i) {
            int sample = wide ? (raw[2 * i] & 0xFF) | (raw[2 * i + 1] & 0xFF) << 8 : raw[i] & 0xFF;
            return storedValue(sample, stored, signed) * slope + intercept;
        }
    }

    private static BufferedImage grayscale(AttributeList list, byte[] raw, int rows, int columns, int bits,
            boolean invert) {
        int count = rows * columns;
        Rescale rescale = new Rescale(raw, bits == 16,
                integer(list, TagFromName.BitsStored, bits),
                integer(list, TagFromName.PixelRepresentation, 0) == 1,
                number(list, TagFromName.RescaleSlope, 1.0),
                number(list, TagFromName.RescaleIntercept, 0.0));
        double center = number(list, TagFromName.WindowCenter, Double.NaN);
        double width = number(list, TagFromName.WindowWidth, Double.NaN);
        if (Double.isNaN(center) || Double.isNaN(width) || width < 1) {
            // a first pass for the full range, so that no array of rescaled values is needed
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                double v = rescale.value(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            center = (min + max) / 2;
            width = Math.max(1, max - min);
        }
        double low = center - width / 2;
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < count; i++) {
            int g = (int) Math.round(Math.clamp((rescale.value(i) - low) / width, 0.0, 1.0) * 255);
            out[i] = (byte) (invert ? 255 - g : g);
        }
        return image;
    }

    /** The stored value of a pixel: only the BitsStored low bits count, sign-extended if the data are signed. */
    private static int storedValue(int raw, int stored, boolean signed) {
        int value = stored >= 32 ? raw : raw & ((1 << stored) - 1);
        if (signed && stored < 32 && (value & (1 << (stored - 1))) != 0) {
            value -= 1 << stored;
        }
        return value;
    }

    private static BufferedImage rgb(AttributeList list, byte[] raw, int rows, int columns) {
        int count = rows * columns;
        boolean planar = integer(list, TagFromName.PlanarConfiguration, 0) == 1;
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < count; i++) {
            int r;
            int g;
            int b;
            if (planar) {
                r = raw[i] & 0xFF;
                g = raw[count + i] & 0xFF;
                b = raw[2 * count + i] & 0xFF;
            } else {
                r = raw[3 * i] & 0xFF;
                g = raw[3 * i + 1] & 0xFF;
                b = raw[3 * i + 2] & 0xFF;
            }
            out[i] = (r << 16) | (g << 8) | b;
        }
        return image;
    }

    /** The value, or {@code absent} when missing or not a number (the toolkit may throw on malformed text). */
    private static int integer(AttributeList list, AttributeTag tag, int absent) {
        try {
            return Attribute.getSingleIntegerValueOrDefault(list, tag, absent);
        } catch (RuntimeException e) {
            return absent;
        }
    }

    private static double number(AttributeList list, AttributeTag tag, double absent) {
        try {
            return Attribute.getSingleDoubleValueOrDefault(list, tag, absent);
        } catch (RuntimeException e) {
            return absent;
        }
    }
}
