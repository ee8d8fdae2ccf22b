package org.imageportal.dicom;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;

import javax.imageio.ImageIO;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

/**
 * Renders the first frame of an instance as an 8-bit PNG a patient can open anywhere: grayscale with the modality
 * rescale and the instance's first VOI window (or the full range when it has none), MONOCHROME1 inverted; 8-bit RGB
 * as it is. Only native (uncompressed) pixel data is rendered; anything else has no preview rather than a wrong one.
 */
public final class PreviewImage {

    private static final Set<String> NATIVE = Set.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1");

    private PreviewImage() {
    }

    /** The PNG, or empty if the instance has no pixel data this renderer can show faithfully. */
    public static Optional<byte[]> png(InputStream part10) throws IOException {
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(new BufferedInputStream(part10)));
        } catch (DicomException e) {
            return Optional.empty();
        }
        String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        Attribute pixels = list.get(TagFromName.PixelData);
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        if (!NATIVE.contains(ts) || pixels == null || rows <= 0 || columns <= 0) {
            return Optional.empty();
        }
        try {
            String photometric = Attribute
                    .getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation)
                    .trim();
            int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
            int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16);
            BufferedImage image;
            if (samples == 1 && photometric.startsWith("MONOCHROME") && (bits == 8 || bits == 16)) {
                image = grayscale(list, pixels, rows, columns, bits, "MONOCHROME1".equals(photometric));
            } else if (samples == 3 && "RGB".equals(photometric) && bits == 8) {
                image = rgb(list, pixels.getByteValues(), rows, columns);
            } else {
                return Optional.empty();
            }
            if (image == null) {
                return Optional.empty();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return Optional.of(out.toByteArray());
        } catch (DicomException e) {
            return Optional.empty();
        }
    }

    private static BufferedImage grayscale(AttributeList list, Attribute pixels, int rows, int columns, int bits,
            boolean invert) throws DicomException {
        int count = rows * columns;
        int stored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bits);
        boolean signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0);
        double[] values = new double[count];
        if (bits == 16) {
            short[] raw = pixels.getShortValues();
            if (raw == null || raw.length < count) {
                return null;
            }
            for (int i = 0; i < count; i++) {
                values[i] = storedValue(raw[i] & 0xFFFF, stored, signed) * slope + intercept;
            }
        } else {
            byte[] raw = pixels.getByteValues();
            if (raw == null || raw.length < count) {
                return null;
            }
            for (int i = 0; i < count; i++) {
                values[i] = storedValue(raw[i] & 0xFF, stored, signed) * slope + intercept;
            }
        }
        double center = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.WindowCenter, Double.NaN);
        double width = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.WindowWidth, Double.NaN);
        if (Double.isNaN(center) || Double.isNaN(width) || width < 1) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (double v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            center = (min + max) / 2;
            width = Math.max(1, max - min);
        }
        double low = center - width / 2;
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            int g = (int) Math.round(Math.clamp((values[i] - low) / width, 0.0, 1.0) * 255);
            out[i] = (byte) (invert ? 255 - g : g);
        }
        image.getRaster().setDataElements(0, 0, columns, rows, out);
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
        if (raw == null || raw.length < count * 3) {
            return null;
        }
        boolean planar = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0) == 1;
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
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
            image.setRGB(i % columns, i / columns, (r << 16) | (g << 8) | b);
        }
        return image;
    }
}
