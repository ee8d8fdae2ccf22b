package org.imageportal.dicom;

import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

/**
 * Decodes frames of one stored instance to native pixels, in any transfer syntax a decoder is found for here: native
 * 8- and 16-bit, RLE Lossless (our own {@link RleDecoder}), JPEG-LS lossless and near-lossless (our own
 * {@link JpegLsDecoder}), JPEG baseline and lossless and JPEG 2000 (see {@link ImageCodecs}); MONOCHROME1/2, RGB,
 * YBR_FULL, YBR_FULL_422 and PALETTE COLOR. JPEG extended (12-bit DCT) and HTJ2K are refused as undecodable.
 *
 * <p>
 * The instance is read forwards, like a cursor: frames asked for in order cost one pass (encapsulated pixel data one
 * more, to index its fragments), a frame before the current one opens the source again. Nothing is allocated from a
 * declared size before it has been checked: the geometry when the header is read, the frame against
 * {@link #MAX_FRAME_PIXELS}, a compressed frame's length against what that geometry can need, the codestream's own
 * header against the geometry.
 */
public final class FrameDecoder implements AutoCloseable {

    /** Opens the stored instance from its first byte, once for each pass. */
    @FunctionalInterface
    public interface Source {

        InputStream open() throws IOException;
    }

    /** Why a frame cannot be decoded; the message names the reason, never a value of the data set. */
    public static final class Undecodable extends Exception {

        public Undecodable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * 4096 x 4096 pixels: every CT, MR, CR, DX and mammography frame fits; a decoded 16-bit RGB frame at the cap is
     * under 100 MB.
     */
    public static final long MAX_FRAME_PIXELS = 4096L * 4096;

    private static final Part10Reader.Limits LIMITS = new Part10Reader.Limits(Long.MAX_VALUE, 64 << 20);
    private static final String RLE = "1.2.840.10008.1.2.5";
    private static final Set<String> JPEG_LS = Set.of("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81");
    private static final Set<String> PHOTOMETRIC = Set.of("MONOCHROME1", "MONOCHROME2", "RGB", "YBR_FULL",
            "YBR_FULL_422", "PALETTE COLOR", "YBR_RCT", "YBR_ICT");

    private final Source source;
    private final String syntax;
    private final ImageGeometry geometry;
    private final String photometric;
    private final int bitsStored;
    private final boolean signed;
    private final boolean planar;
    private final DecodedFrame.Presentation presentation;
    private final Part10Instance.NativeFrames nativeFrames;
    private final EncapsulatedFrames encapsulated;
    private InputStream object;
    private InputStream pixels;
    private long position;

    private FrameDecoder(Source source, Part10Instance parsed, InputStream object) throws Undecodable, IOException {
        this.source = source;
        this.syntax = parsed.header().transferSyntaxUid();
        this.geometry = parsed.geometry();
        this.object = object;
        if (!decodable(syntax)) {
            throw new Undecodable("no decoder here for transfer syntax " + syntax);
        }
        if (geometry == null) {
            throw new Undecodable("the instance has no pixel data");
        }
        if (geometry.framePixels() > MAX_FRAME_PIXELS) {
            throw new Undecodable("frames larger than " + MAX_FRAME_PIXELS + " pixels are not decoded here");
        }
        if (geometry.bitsAllocated() != 8 && geometry.bitsAllocated() != 16) {
            throw new Undecodable("only 8- and 16-bit pixel data are decoded here");
        }
        AttributeList list = parsed.attributes();
        photometric = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation).strip();
        if (!PHOTOMETRIC.contains(photometric) || (geometry.samples() == 1) != (photometric.startsWith("MONO")
                || photometric.equals("PALETTE COLOR"))) {
            throw new Undecodable("the photometric interpretation is not one decoded here");
        }
        int stored = integer(list, TagFromName.BitsStored, geometry.bitsAllocated());
        if (stored < 1 || stored > geometry.bitsAllocated()) {
            throw new Undecodable("Bits Stored is not between 1 and Bits Allocated");
        }
        bitsStored = stored;
        signed = integer(list, TagFromName.PixelRepresentation, 0) == 1;
        planar = integer(list, TagFromName.PlanarConfiguration, 0) == 1;
        presentation = new DecodedFrame.Presentation(number(list, TagFromName.RescaleSlope, 1),
                number(list, TagFromName.RescaleIntercept, 0), number(list, TagFromName.WindowCenter, Double.NaN),
                number(list, TagFromName.WindowWidth, Double.NaN),
                photometric.equals("PALETTE COLOR") ? Palette.of(list) : null,
                photometric.equals("PALETTE COLOR") ? Palette.firstMapped(list) : 0);
        if (Part10Reader.NATIVE.contains(syntax)) {
            nativeFrames = parsed.nativeFrames()
                    .orElseThrow(() -> new Undecodable("the native pixel data does not hold whole frames"));
            encapsulated = null;
            pixels = parsed.pixelValue();
            position = 0;
        } else if (parsed.encapsulated()) {
            nativeFrames = null;
            try {
                encapsulated = parsed.encapsulatedFrames();
            } catch (DicomRejection e) {
                throw new Undecodable(e.getMessage());
            } catch (java.io.EOFException e) {
                throw new Undecodable("the encapsulated pixel data ends inside an item");
            }
            // the index read the whole value: the first frame opens the source again
            position = Long.MAX_VALUE;
        } else {
            throw new Undecodable("the pixel data is not encapsulated as its transfer syntax requires");
        }
    }

    /** Whether frames in {@code transferSyntax} can be decoded here. */
    public static boolean decodable(String transferSyntax) {
        return Part10Reader.NATIVE.contains(transferSyntax) || RLE.equals(transferSyntax)
                || JPEG_LS.contains(transferSyntax) || ImageCodecs.codec(transferSyntax) != null;
    }

    /**
     * Reads the header of the instance from {@code source}.
     *
     * @throws IOException the source failed
     * @throws Undecodable the instance has no frames that can be decoded here
     */
    public static FrameDecoder open(Source source) throws IOException, Undecodable {
        InputStream object = source.open();
        try {
            return new FrameDecoder(source, Part10Reader.open(object, LIMITS), object);
        } catch (DicomRejection e) {
            object.close();
            throw new Undecodable("the stored instance cannot be read: " + e.getMessage());
        } catch (Undecodable | IOException | RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /** The number of frames. */
    public int frames() {
        return geometry.frames();
    }

    /** Frame {@code frame} (from 1), decoded. */
    public DecodedFrame decode(int frame) throws IOException, Undecodable {
        if (frame < 1 || frame > frames()) {
            throw new IllegalArgumentException("no such frame");
        }
        int count = (int) geometry.framePixels();
        int bytes = geometry.bitsAllocated() / 8;
        int samples = geometry.samples();
        byte[] data;
        String shown = photometric;
        if (nativeFrames != null) {
            data = read((frame - 1) * nativeFrames.frameBytes(), (int) nativeFrames.frameBytes());
            if (planar && samples == 3) {
                data = interleave(data, count, bytes);
            }
        } else {
            byte[] compressed = compressed(frame);
            if (RLE.equals(syntax)) {
                data = RleDecoder.decode(compressed, count, samples, bytes);
            } else if (JPEG_LS.contains(syntax)) {
                try {
                    data = JpegLsDecoder.decode(compressed, geometry.rows(), geometry.columns(), samples, bytes,
                            JpegLsDecoder.DEADLINE);
                } catch (JpegLsException e) {
                    throw new Undecodable(e.getMessage());
                }
            } else {
                Raster raster = ImageCodecs.decode(ImageCodecs.codec(syntax), compressed, geometry.rows(),
                        geometry.columns(), samples);
                if (raster.getSampleModel().getSampleSize(0) > geometry.bitsAllocated()) {
                    throw new Undecodable("the compressed frame has more bits per sample than Bits Allocated");
                }
                data = samplesOf(raster, bytes);
                if (photometric.equals("YBR_RCT") || photometric.equals("YBR_ICT")) {
                    // the JPEG 2000 decoder undoes its component transform
                    shown = "RGB";
                }
            }
        }
        if (shown.startsWith("YBR_FULL")) {
            // a JPEG decoder returns chroma upsampled, so 4:2:2 is full YBR by now
            toRgb(data, count, bytes);
            shown = "RGB";
        }
        if (shown.equals("YBR_FULL_422")) {
            throw new Undecodable("native YBR_FULL_422 is not decoded here");
        }
        return new DecodedFrame(geometry.rows(), geometry.columns(), samples, geometry.bitsAllocated(),
                shown.equals("RGB") ? geometry.bitsAllocated() : bitsStored, signed && samples == 1, shown, data,
                presentation);
    }

    /** The joined fragments of an encapsulated frame, bounded by what its geometry can need. */
    private byte[] compressed(int frame) throws IOException, Undecodable {
        long length = encapsulated.frameLength(frame);
        long nativeBytes = geometry.frameBytes();
        if (length > nativeBytes + nativeBytes / 4 + 65536) {
            throw new Undecodable("a compressed frame is larger than its uncompressed pixels could need");
        }
        byte[] out = new byte[(int) length];
        int at = 0;
        for (long[] fragment : encapsulated.fragments(frame)) {
            byte[] part = read(fragment[0], (int) fragment[1]);
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** {@code length} bytes of the pixel data value from {@code from}, opening the source again to go back. */
    private byte[] read(long from, int length) throws IOException, Undecodable {
        if (from < position) {
            reopen();
        }
        byte[] bytes;
        try {
            pixels.skipNBytes(from - position);
            bytes = pixels.readNBytes(length);
        } catch (java.io.EOFException e) {
            throw new Undecodable("the stored pixel data ends before the frame");
        }
        if (bytes.length < length) {
            throw new Undecodable("the stored pixel data ends before the frame");
        }
        position = from + length;
        return bytes;
    }

    private void reopen() throws IOException, Undecodable {
        close();
        object = source.open();
        try {
            Part10Instance parsed = Part10Reader.open(object, LIMITS);
            pixels = nativeFrames != null ? parsed.pixelValue() : parsed.encapsulatedValue();
        } catch (DicomRejection | IllegalStateException e) {
            throw new Undecodable("the stored instance cannot be read again");
        }
        position = 0;
    }

    private static byte[] samplesOf(Raster raster, int bytes) {
        int width = raster.getWidth();
        int bands = raster.getNumBands();
        byte[] out = new byte[width * raster.getHeight() * bands * bytes];
        int[] row = new int[width * bands];
        int k = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(0, y, width, 1, row);
            for (int v : row) {
                out[k++] = (byte) v;
                if (bytes == 2) {
                    out[k++] = (byte) (v >> 8);
                }
            }
        }
        return out;
    }

    /** Planar (RRR..GGG..BBB..) to interleaved (RGBRGB..). */
    private static byte[] interleave(byte[] planes, int count, int bytes) {
        byte[] out = new byte[planes.length];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < count; i++) {
                for (int b = 0; b < bytes; b++) {
                    out[(i * 3 + s) * bytes + b] = planes[(s * count + i) * bytes + b];
                }
            }
        }
        return out;
    }

    /** YBR_FULL (PS3.3 C.7.6.3.1.2) to RGB, in place; 8-bit only (16-bit colour is RGB in practice). */
    private static void toRgb(byte[] data, int count, int bytes) throws Undecodable {
        if (bytes != 1) {
            throw new Undecodable("16-bit YBR is not decoded here");
        }
        for (int i = 0; i < count; i++) {
            double y = data[3 * i] & 0xFF;
            double cb = (data[3 * i + 1] & 0xFF) - 128;
            double cr = (data[3 * i + 2] & 0xFF) - 128;
            data[3 * i] = (byte) Math.clamp(Math.round(y + 1.402 * cr), 0, 255);
            data[3 * i + 1] = (byte) Math.clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr), 0, 255);
            data[3 * i + 2] = (byte) Math.clamp(Math.round(y + 1.772 * cb), 0, 255);
        }
    }

    @Override
    public void close() throws IOException {
        if (object != null) {
            object.close();
            object = null;
        }
    }

    /** The value, or {@code absent} when missing or not a number (the toolkit may throw on malformed text). */
    static int integer(AttributeList list, AttributeTag tag, int absent) {
        try {
            return Attribute.getSingleIntegerValueOrDefault(list, tag, absent);
        } catch (RuntimeException e) {
            return absent;
        }
    }

    static double number(AttributeList list, AttributeTag tag, double absent) {
        try {
            double value = Attribute.getSingleDoubleValueOrDefault(list, tag, absent);
            return Double.isFinite(value) || Double.isNaN(absent) ? value : absent;
        } catch (RuntimeException e) {
            return absent;
        }
    }

    /** The Palette Color Lookup Tables (PS3.3 C.7.6.3.1.5), 8 or 16 bits, as 0xRRGGBB by index. */
    static final class Palette {

        private Palette() {
        }

        static int firstMapped(AttributeList list) {
            int[] descriptor = descriptor(list, TagFromName.RedPaletteColorLookupTableDescriptor);
            return descriptor == null ? 0 : descriptor[1];
        }

        static int[] of(AttributeList list) throws Undecodable {
            int[] red = table(list, TagFromName.RedPaletteColorLookupTableDescriptor,
                    TagFromName.RedPaletteColorLookupTableData);
            int[] green = table(list, TagFromName.GreenPaletteColorLookupTableDescriptor,
                    TagFromName.GreenPaletteColorLookupTableData);
            int[] blue = table(list, TagFromName.BluePaletteColorLookupTableDescriptor,
                    TagFromName.BluePaletteColorLookupTableData);
            if (red.length != green.length || red.length != blue.length) {
                throw new Undecodable("the palette's three tables differ in length");
            }
            int[] palette = new int[red.length];
            for (int i = 0; i < palette.length; i++) {
                palette[i] = red[i] << 16 | green[i] << 8 | blue[i];
            }
            return palette;
        }

        private static int[] descriptor(AttributeList list, AttributeTag tag) {
            Attribute a = list.get(tag);
            try {
                int[] values = a == null ? null : a.getIntegerValues();
                return values == null || values.length != 3 ? null : values;
            } catch (Exception e) {
                return null;
            }
        }

        /** One table as 8-bit levels. */
        private static int[] table(AttributeList list, AttributeTag descriptorTag, AttributeTag dataTag)
                throws Undecodable {
            int[] descriptor = descriptor(list, descriptorTag);
            Attribute data = list.get(dataTag);
            if (descriptor == null || data == null) {
                throw new Undecodable("the palette colour image has no complete lookup tables");
            }
            int entries = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
            int bits = descriptor[2];
            byte[] bytes;
            try {
                bytes = data.getByteValues(false);
            } catch (Exception e) {
                throw new Undecodable("the palette's lookup table data cannot be read");
            }
            int[] out = new int[entries];
            if (bytes != null && bits == 16 && bytes.length == 2 * entries) {
                for (int i = 0; i < entries; i++) {
                    out[i] = bytes[2 * i + 1] & 0xFF; // the high byte of each 16-bit entry
                }
            } else if (bytes != null && bits == 8 && bytes.length == 2 * entries) {
                for (int i = 0; i < entries; i++) {
                    out[i] = bytes[2 * i] & 0xFF;
                }
            } else if (bytes != null && bits == 8 && (bytes.length == entries || bytes.length == entries + 1)) {
                for (int i = 0; i < entries; i++) {
                    out[i] = bytes[i] & 0xFF;
                }
            } else {
                throw new Undecodable("the palette's lookup table does not hold its declared entries");
            }
            return out;
        }
    }
}
