package org.imageportal.dicom;

/**
 * One frame decoded to native pixels: little-endian samples, interleaved, as Explicit VR Little Endian would hold
 * them, with what is needed to show them (the modality rescale, the header's first window, the palette). Colour
 * frames are RGB whatever they were stored as (YBR_FULL, YBR_FULL_422, JPEG 2000's component transforms), grey frames
 * keep their stored values; palette colour frames keep their indexes and carry the palette.
 */
public final class DecodedFrame {

    private final int rows;
    private final int columns;
    private final int samples;
    private final int bitsAllocated;
    private final int bitsStored;
    private final boolean signed;
    private final String photometric;
    private final byte[] data;
    private final Presentation presentation;

    /** How the header says grey values are shown; the palette for PALETTE COLOR (ARGB by index, or null). */
    record Presentation(double slope, double intercept, double windowCenter, double windowWidth, int[] palette,
            int firstMapped) {
    }

    DecodedFrame(int rows, int columns, int samples, int bitsAllocated, int bitsStored, boolean signed,
            String photometric, byte[] data, Presentation presentation) {
        this.rows = rows;
        this.columns = columns;
        this.samples = samples;
        this.bitsAllocated = bitsAllocated;
        this.bitsStored = bitsStored;
        this.signed = signed;
        this.photometric = photometric;
        this.data = data;
        this.presentation = presentation;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** MONOCHROME1, MONOCHROME2, RGB or PALETTE COLOR. */
    public String photometric() {
        return photometric;
    }

    /** The frame as native pixel data (Explicit VR Little Endian, interleaved colour); the array itself, not a copy. */
    public byte[] nativePixelData() {
        return data;
    }

    boolean grey() {
        return samples == 1 && photometric.startsWith("MONOCHROME");
    }

    Presentation presentation() {
        return presentation;
    }

    /** The stored value of pixel {@code i} (BitsStored low bits, sign-extended when signed). */
    int storedValue(int i) {
        int raw = bitsAllocated == 16 ? (data[2 * i] & 0xFF) | (data[2 * i + 1] & 0xFF) << 8 : data[i] & 0xFF;
        int value = raw & ((1 << bitsStored) - 1);
        if (signed && (value & (1 << (bitsStored - 1))) != 0) {
            value -= 1 << bitsStored;
        }
        return value;
    }

    /** Pixel {@code i} in modality units (the stored value rescaled). */
    double modalityValue(int i) {
        return storedValue(i) * presentation.slope() + presentation.intercept();
    }

    /** Pixel {@code i} as 0xRRGGBB, for RGB and PALETTE COLOR frames. */
    int rgb(int i) {
        if (presentation.palette() != null) {
            int[] palette = presentation.palette();
            int index = Math.clamp(storedValue(i) - presentation.firstMapped(), 0, palette.length - 1);
            return palette[index];
        }
        if (bitsAllocated == 16) {
            return (data[6 * i + 1] & 0xFF) << 16 | (data[6 * i + 3] & 0xFF) << 8 | data[6 * i + 5] & 0xFF;
        }
        return (data[3 * i] & 0xFF) << 16 | (data[3 * i + 1] & 0xFF) << 8 | data[3 * i + 2] & 0xFF;
    }
}
