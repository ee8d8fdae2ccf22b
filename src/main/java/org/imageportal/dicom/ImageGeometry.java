package org.imageportal.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

/**
 * The pixel geometry an image declares (Rows, Columns, Samples per Pixel, Bits Allocated, Number of Frames), each
 * checked to be a value an image can have, so that sizes computed from it are positive and cannot overflow. Whether
 * the pixel data really holds that many bytes is the caller's check: these values come from the sender.
 */
record ImageGeometry(int rows, int columns, int samples, int bitsAllocated, int frames) {

    /** Reads and checks the geometry of the data set that holds pixel data. */
    static ImageGeometry of(AttributeList list) throws DicomRejection {
        int rows = (int) required(list, TagFromName.Rows, "Rows (0028,0010)");
        int columns = (int) required(list, TagFromName.Columns, "Columns (0028,0011)");
        long samples = optional(list, TagFromName.SamplesPerPixel, 1);
        if (samples != 1 && samples != 3) {
            throw invalid("Samples per Pixel (0028,0002) is not 1 or 3");
        }
        long bits = optional(list, TagFromName.BitsAllocated, -1);
        if (bits != 1 && bits != 8 && bits != 16 && bits != 32 && bits != 64) {
            throw invalid("Bits Allocated (0028,0100) is missing or not 1, 8, 16, 32 or 64");
        }
        long frames = optional(list, TagFromName.NumberOfFrames, 1);
        if (frames < 1 || frames > Integer.MAX_VALUE) {
            throw invalid("Number of Frames (0028,0008) is not a positive number");
        }
        return new ImageGeometry(rows, columns, (int) samples, (int) bits, (int) frames);
    }

    /** Rows x Columns. */
    long framePixels() {
        return (long) rows * columns;
    }

    /** The bytes of one native frame (at most 65535 x 65535 x 3 x 8, so no overflow). */
    long frameBytes() {
        return (framePixels() * samples * bitsAllocated + 7) / 8;
    }

    /** The bytes of all native frames, bit-packed frames packed across frame ends; saturates at Long.MAX_VALUE. */
    long nativeBytes() {
        long frameBits = framePixels() * samples * bitsAllocated;
        if (frameBits > (Long.MAX_VALUE - 7) / frames) {
            return Long.MAX_VALUE;
        }
        return (frameBits * frames + 7) / 8;
    }

    /** A decimal integer as DICOM writes it (IS, or the text form of US), or -1 if it is not one. */
    static long parse(String value) {
        String digits = value.startsWith("+") ? value.substring(1) : value;
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    private static long required(AttributeList list, AttributeTag tag, String name) throws DicomRejection {
        long value = optional(list, tag, -1);
        if (value < 1 || value > 65535) {
            throw invalid(name + " is missing or not a number from 1 to 65535");
        }
        return value;
    }

    /** The value, {@code absent} when missing or empty, -1 when it is not a non-negative integer. */
    private static long optional(AttributeList list, AttributeTag tag, long absent) {
        String value = Attribute.getSingleStringValueOrEmptyString(list, tag).strip();
        return value.isEmpty() ? absent : parse(value);
    }

    private static DicomRejection invalid(String message) {
        return new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE, message);
    }
}
