package org.imageportal.dicom;

import java.time.Duration;

/**
 * JPEG-LS (ITU-T T.87 / ISO/IEC 14495-1), lossless and near-lossless, as DICOM stores it (transfer syntaxes
 * 1.2.840.10008.1.2.4.80 and .81): the marker segments (SOF55 frame header, SOS with NEAR and the three interleave
 * modes, LSE preset coding parameters with the default thresholds of any bit depth from 2 to 16, DRI with restart
 * markers) parsed here, the scans' coded data by {@link JpegLsScan}. No JPEG-LS decoder exists among the portal's
 * Java dependencies, hence our own.
 *
 * <p>
 * Hostile input ends in {@link JpegLsException}: every segment length is checked against the bytes, and the frame
 * header against the geometry the instance declares before anything is allocated by it. Mapping tables (LSE 2 and
 * 3), oversize dimensions (LSE 4), point transforms, subsampled components and the HP colour transforms are refused.
 */
final class JpegLsDecoder implements JpegLsScan.Sink {

    /** Some fifty times what a 4096 x 4096 16-bit frame takes here. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOF55 = 0xF7;
    private static final int LSE = 0xF8;
    private static final int SOS = 0xDA;
    private static final int DRI = 0xDD;
    private static final int APP8 = 0xE8;
    private static final int COM = 0xFE;

    private final byte[] data;
    private final int rows;
    private final int columns;
    private final int samples;
    private final int bytesPerSample;
    private final long deadline;
    private int pos;
    private int bits;
    private int[] ids;
    private boolean[] decoded;
    private byte[] out;
    private int presetMaxVal;
    private int presetT1;
    private int presetT2;
    private int presetT3;
    private int presetReset;
    private int restartInterval;

    private JpegLsDecoder(byte[] data, int rows, int columns, int samples, int bytesPerSample, long deadline) {
        this.data = data;
        this.rows = rows;
        this.columns = columns;
        this.samples = samples;
        this.bytesPerSample = bytesPerSample;
        this.deadline = deadline;
    }

    /**
     * The frame as native pixel data: little-endian samples of {@code bytesPerSample} bytes, interleaved.
     *
     * @param codestream one frame's JPEG-LS codestream (its fragments joined)
     * @param rows the instance's Rows, which the codestream must match
     * @param columns the instance's Columns, likewise
     * @param samples the instance's Samples per Pixel (1 or 3), likewise
     * @param bytesPerSample 1 or 2 (Bits Allocated 8 or 16); the codestream's sample precision must fit
     * @param within the deadline, checked line by line
     */
    static byte[] decode(byte[] codestream, int rows, int columns, int samples, int bytesPerSample, Duration within)
            throws JpegLsException {
        if (rows < 1 || columns < 1 || (long) rows * columns > FrameDecoder.MAX_FRAME_PIXELS
                || (samples != 1 && samples != 3) || (bytesPerSample != 1 && bytesPerSample != 2)) {
            throw new JpegLsException("the instance's geometry is not one decoded here");
        }
        var decoder = new JpegLsDecoder(codestream, rows, columns, samples, bytesPerSample,
                System.nanoTime() + within.toNanos());
        return decoder.run();
    }

    private byte[] run() throws JpegLsException {
        if (data.length < 4 || marker() != SOI) {
            throw new JpegLsException("the JPEG-LS frame does not start with SOI");
        }
        while (true) {
            int marker = marker();
            switch (marker) {
                case SOF55 -> frame(segment());
                case LSE -> preset(segment());
                case DRI -> restartInterval(segment());
                case SOS -> {
                    int length = segment();
                    pos = scan(length);
                }
                case EOI -> {
                    if (out == null) {
                        throw new JpegLsException("the JPEG-LS frame has no scan");
                    }
                    for (boolean done : decoded) {
                        if (!done) {
                            throw new JpegLsException("the JPEG-LS frame ends before every component is decoded");
                        }
                    }
                    return out;
                }
                default -> {
                    if (marker == APP8) {
                        colourTransform(segment());
                    } else if ((marker >= 0xE0 && marker <= 0xEF) || marker == COM) {
                        pos += segment();
                    } else {
                        throw new JpegLsException("the JPEG-LS frame has a marker not decoded here: 0x"
                                + Integer.toHexString(0xFF00 | marker).toUpperCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
    }

    /** The next marker code, after any fill bytes. */
    private int marker() throws JpegLsException {
        if (pos >= data.length || data[pos] != (byte) 0xFF) {
            throw new JpegLsException("the JPEG-LS frame has data where a marker belongs, or ends without EOI");
        }
        while (pos < data.length && data[pos] == (byte) 0xFF) {
            pos++;
        }
        if (pos >= data.length) {
            throw new JpegLsException("the JPEG-LS frame ends without EOI");
        }
        return data[pos++] & 0xFF;
    }

    /** The length of the segment's parameters (after the two length bytes, which are skipped), checked. */
    private int segment() throws JpegLsException {
        if (pos + 2 > data.length) {
            throw new JpegLsException("a JPEG-LS marker segment is truncated");
        }
        int length = u16(pos);
        if (length < 2 || pos + length > data.length) {
            throw new JpegLsException("a JPEG-LS marker segment's length is beyond the frame");
        }
        pos += 2;
        return length - 2;
    }

    private int u8(int at) {
        return data[at] & 0xFF;
    }

    private int u16(int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }

    /** SOF55: the frame header, which must agree with the instance. */
    private void frame(int length) throws JpegLsException {
        if (ids != null) {
            throw new JpegLsException("the JPEG-LS frame has a second frame header");
        }
        if (length < 6) {
            throw new JpegLsException("the JPEG-LS frame header is too short");
        }
        int precision = u8(pos);
        int y = u16(pos + 1);
        int x = u16(pos + 3);
        int components = u8(pos + 5);
        if (length != 6 + 3 * components) {
            throw new JpegLsException("the JPEG-LS frame header's length does not fit its components");
        }
        if (precision < 2 || precision > 16) {
            throw new JpegLsException("the JPEG-LS sample precision is not from 2 to 16 bits");
        }
        if (precision > 8 * bytesPerSample) {
            throw new JpegLsException("the JPEG-LS sample precision is more than Bits Allocated");
        }
        if (y != rows || x != columns) {
            throw new JpegLsException("the JPEG-LS frame's size differs from Rows and Columns");
        }
        if (components != samples) {
            throw new JpegLsException("the JPEG-LS frame's components differ from Samples per Pixel");
        }
        ids = new int[components];
        for (int i = 0; i < components; i++) {
            int at = pos + 6 + 3 * i;
            ids[i] = u8(at);
            for (int j = 0; j < i; j++) {
                if (ids[j] == ids[i]) {
                    throw new JpegLsException("two JPEG-LS components have the same identifier");
                }
            }
            if (u8(at + 1) != 0x11) {
                throw new JpegLsException("subsampled JPEG-LS components are not decoded here");
            }
        }
        bits = precision;
        decoded = new boolean[components];
        pos += length;
    }

    /** LSE: preset coding parameters (id 1); mapping tables and oversize dimensions are refused. */
    private void preset(int length) throws JpegLsException {
        if (length < 1) {
            throw new JpegLsException("a JPEG-LS preset parameters segment is empty");
        }
        int id = u8(pos);
        if (id != 1) {
            throw new JpegLsException("JPEG-LS mapping tables and oversize dimensions are not decoded here");
        }
        if (length != 11) {
            throw new JpegLsException("the JPEG-LS preset coding parameters have the wrong length");
        }
        presetMaxVal = u16(pos + 1);
        presetT1 = u16(pos + 3);
        presetT2 = u16(pos + 5);
        presetT3 = u16(pos + 7);
        presetReset = u16(pos + 9);
        pos += length;
    }

    private void restartInterval(int length) throws JpegLsException {
        if (length < 2 || length > 4) {
            throw new JpegLsException("the JPEG-LS restart interval has the wrong length");
        }
        long interval = 0;
        for (int i = 0; i < length; i++) {
            interval = interval << 8 | u8(pos + i);
        }
        restartInterval = (int) Math.min(interval, Integer.MAX_VALUE);
        pos += length;
    }

    /** APP8 "mrfx": the HP colour transforms, which DICOM does not allow; transform 0 (none) is accepted. */
    private void colourTransform(int length) throws JpegLsException {
        if (length >= 5 && data[pos] == 'm' && data[pos + 1] == 'r' && data[pos + 2] == 'f' && data[pos + 3] == 'x'
                && data[pos + 4] != 0) {
            throw new JpegLsException("JPEG-LS colour transforms are not decoded here");
        }
        pos += length;
    }

    /** SOS: checks the scan header, decodes the scan; returns the position of the marker after its data. */
    private int scan(int length) throws JpegLsException {
        if (ids == null) {
            throw new JpegLsException("a JPEG-LS scan comes before the frame header");
        }
        if (length < 1) {
            throw new JpegLsException("the JPEG-LS scan header is too short");
        }
        int count = u8(pos);
        if (count < 1 || count > ids.length || length != 4 + 2 * count) {
            throw new JpegLsException("the JPEG-LS scan header's length does not fit its components");
        }
        int[] components = new int[count];
        for (int i = 0; i < count; i++) {
            int id = u8(pos + 1 + 2 * i);
            int index = -1;
            for (int j = 0; j < ids.length; j++) {
                if (ids[j] == id) {
                    index = j;
                }
            }
            if (index < 0 || decoded[index]) {
                throw new JpegLsException("a JPEG-LS scan names an unknown or already decoded component");
            }
            if (u8(pos + 2 + 2 * i) != 0) {
                throw new JpegLsException("JPEG-LS mapping tables are not decoded here");
            }
            components[i] = index;
            decoded[index] = true;
        }
        int at = pos + 1 + 2 * count;
        int near = u8(at);
        int ilv = u8(at + 1);
        if (u8(at + 2) != 0) {
            throw new JpegLsException("JPEG-LS point transforms are not decoded here");
        }
        if (ilv > 2 || (ilv == 0 && count != 1)) {
            throw new JpegLsException("the JPEG-LS interleave mode is not valid for the scan");
        }
        JpegLsScan.Parameters parameters = parameters(near);
        if (out == null) {
            out = new byte[rows * columns * samples * bytesPerSample];
        }
        return new JpegLsScan(data, pos + length, parameters, columns).decode(components, ilv, rows, restartInterval,
                this, deadline);
    }

    /** The coding parameters of a scan: the preset ones where given (not 0), else the defaults of T.87 C.2.4.1.1. */
    JpegLsScan.Parameters parameters(int near) throws JpegLsException {
        int full = (1 << bits) - 1;
        int maxVal = presetMaxVal == 0 ? full : presetMaxVal;
        if (maxVal > full) {
            throw new JpegLsException("the JPEG-LS MAXVAL is beyond the sample precision");
        }
        if (near > Math.min(255, maxVal / 2)) {
            throw new JpegLsException("the JPEG-LS NEAR is beyond what MAXVAL allows");
        }
        int[] defaults = defaultThresholds(maxVal, near);
        int t1 = presetT1 == 0 ? defaults[0] : presetT1;
        int t2 = presetT2 == 0 ? defaults[1] : presetT2;
        int t3 = presetT3 == 0 ? defaults[2] : presetT3;
        int reset = presetReset == 0 ? 64 : presetReset;
        if (t1 < near + 1 || t1 > maxVal || t2 < t1 || t2 > maxVal || t3 < t2 || t3 > maxVal) {
            throw new JpegLsException("the JPEG-LS thresholds are out of order or beyond MAXVAL");
        }
        if (reset < 3 || reset > Math.max(255, maxVal)) {
            throw new JpegLsException("the JPEG-LS RESET is out of range");
        }
        return new JpegLsScan.Parameters(maxVal, t1, t2, t3, reset, near);
    }

    /** T1, T2, T3 by default for MAXVAL and NEAR (T.87 C.2.4.1.1.1). */
    static int[] defaultThresholds(int maxVal, int near) {
        int t1;
        int t2;
        int t3;
        if (maxVal >= 128) {
            int factor = (Math.min(maxVal, 4095) + 128) / 256;
            t1 = clamp(factor * (3 - 2) + 2 + 3 * near, near + 1, maxVal);
            t2 = clamp(factor * (7 - 3) + 3 + 5 * near, t1, maxVal);
            t3 = clamp(factor * (21 - 4) + 4 + 7 * near, t2, maxVal);
        } else {
            int factor = 256 / (maxVal + 1);
            t1 = clamp(Math.max(2, 3 / factor + 3 * near), near + 1, maxVal);
            t2 = clamp(Math.max(3, 7 / factor + 5 * near), t1, maxVal);
            t3 = clamp(Math.max(4, 21 / factor + 7 * near), t2, maxVal);
        }
        return new int[]{t1, t2, t3};
    }

    private static int clamp(int value, int low, int maxVal) {
        return value > maxVal || value < low ? low : value;
    }

    @Override
    public void line(int component, int row, int[] line) {
        int base = row * columns * samples + component;
        if (bytesPerSample == 1) {
            for (int x = 0; x < columns; x++) {
                out[base + x * samples] = (byte) line[x + 1];
            }
        } else {
            for (int x = 0; x < columns; x++) {
                int v = line[x + 1];
                int at = 2 * (base + x * samples);
                out[at] = (byte) v;
                out[at + 1] = (byte) (v >> 8);
            }
        }
    }
}
