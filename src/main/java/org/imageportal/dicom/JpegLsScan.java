package org.imageportal.dicom;

/**
 * The entropy-coded data of one JPEG-LS scan (ITU-T T.87 Annex A) decoded line by line: the context modelling of the
 * regular mode (gradients quantised by T1, T2, T3, median edge prediction, bias correction, Golomb codes with the
 * length limit and its escape), the run mode with its run interruption samples, near-lossless reconstruction, and
 * the bit stuffing after each 0xFF byte. Lines of one component (interleave modes none and line) or of all the scan's
 * components pixel by pixel (sample interleave) go to a {@link Sink}.
 *
 * <p>
 * Every code read is bounded: a unary prefix never runs past the escape length, a mapped error never exceeds the
 * scan's range, a run never past its line, and reading more than a few bytes beyond the scan's data ends in
 * {@link JpegLsException}. So the work is bounded by the number of samples, whatever the bytes.
 */
final class JpegLsScan {

    /** Where decoded lines go: {@code line[1..width]} holds the samples. */
    interface Sink {

        void line(int component, int row, int[] line);
    }

    /** The coding parameters of the scan, checked by the caller (T.87 C.2.4.1.1). */
    record Parameters(int maxVal, int t1, int t2, int t3, int reset, int near) {
    }

    private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10,
            11, 12, 13, 14, 15};
    private static final int CONTEXTS = 365;
    private static final int MIN_C = -128;
    private static final int MAX_C = 127;

    private final int maxVal;
    private final int near;
    private final int step;
    private final int range;
    private final int qbpp;
    private final int limit;
    private final int reset;
    private final int width;
    private final byte[] quantised;

    private final long[] a = new long[CONTEXTS];
    private final int[] b = new int[CONTEXTS];
    private final int[] c = new int[CONTEXTS];
    private final int[] n = new int[CONTEXTS];
    private final long[] runA = new long[2];
    private final int[] runN = new int[2];
    private final int[] runNn = new int[2];
    private int runIndex;

    private final byte[] data;
    private int pos;
    private int end;
    private long cache;
    private int count;
    private boolean afterFf;
    private int padded;

    JpegLsScan(byte[] data, int start, Parameters p, int width) {
        this.data = data;
        this.pos = start;
        this.end = data.length;
        this.maxVal = p.maxVal();
        this.near = p.near();
        this.step = 2 * near + 1;
        this.range = (maxVal + 2 * near) / step + 1;
        this.qbpp = bitsFor(range - 1);
        int bpp = Math.max(2, bitsFor(maxVal));
        this.limit = 2 * (bpp + Math.max(8, bpp));
        this.reset = p.reset();
        this.width = width;
        this.quantised = new byte[2 * maxVal + 1];
        for (int d = -maxVal; d <= maxVal; d++) {
            quantised[d + maxVal] = (byte) quantise(d, p.t1(), p.t2(), p.t3());
        }
    }

    /** The number of bits that holds values 0..{@code max}. */
    static int bitsFor(int max) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(max, 1));
    }

    private int quantise(int d, int t1, int t2, int t3) {
        if (d <= -t3) {
            return -4;
        } else if (d <= -t2) {
            return -3;
        } else if (d <= -t1) {
            return -2;
        } else if (d < -near) {
            return -1;
        } else if (d <= near) {
            return 0;
        } else if (d < t1) {
            return 1;
        } else if (d < t2) {
            return 2;
        } else if (d < t3) {
            return 3;
        }
        return 4;
    }

    /**
     * Decodes {@code rows} lines of the scan's {@code components} (indexes into the frame) in interleave mode
     * {@code ilv}, with a restart marker after every {@code restartInterval} lines (0: none).
     *
     * @return the position of the marker that follows the scan's data
     */
    int decode(int[] components, int ilv, int rows, int restartInterval, Sink sink, long deadline)
            throws JpegLsException {
        int ns = components.length;
        int[][] previous = new int[ns][width + 2];
        int[][] current = new int[ns][width + 2];
        int[] runIndexes = new int[ns];
        start();
        int restarts = 0;
        for (int row = 0; row < rows; row++) {
            if (restartInterval > 0 && row > 0 && row % restartInterval == 0) {
                restart(restarts++ & 7);
                start();
                java.util.Arrays.fill(runIndexes, 0);
                for (int s = 0; s < ns; s++) {
                    java.util.Arrays.fill(previous[s], 0);
                    java.util.Arrays.fill(current[s], 0);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new JpegLsException("the JPEG-LS frame took too long to decode");
            }
            for (int s = 0; s < ns; s++) {
                previous[s][width + 1] = previous[s][width];
                current[s][0] = previous[s][1];
            }
            if (ilv == 2) {
                pixels(previous, current);
            } else {
                for (int s = 0; s < ns; s++) {
                    runIndex = runIndexes[s];
                    line(previous[s], current[s]);
                    runIndexes[s] = runIndex;
                }
            }
            for (int s = 0; s < ns; s++) {
                sink.line(components[s], row, current[s]);
                int[] swap = previous[s];
                previous[s] = current[s];
                current[s] = swap;
            }
        }
        return finish();
    }

    /** The initial state of every context (T.87 A.2.1), at the start of the scan and after each restart marker. */
    private void start() {
        long initial = Math.max(2, (range + 32) / 64);
        java.util.Arrays.fill(a, initial);
        java.util.Arrays.fill(b, 0);
        java.util.Arrays.fill(c, 0);
        java.util.Arrays.fill(n, 1);
        java.util.Arrays.fill(runA, initial);
        java.util.Arrays.fill(runN, 1);
        java.util.Arrays.fill(runNn, 0);
        runIndex = 0;
    }

    /** One line of one component; samples at {@code current[1..width]}, neighbours from {@code previous}. */
    private void line(int[] previous, int[] current) throws JpegLsException {
        int x = 1;
        while (x <= width) {
            int ra = current[x - 1];
            int rb = previous[x];
            int rc = previous[x - 1];
            int rd = previous[x + 1];
            int context = 81 * quantised[rd - rb + maxVal] + 9 * quantised[rb - rc + maxVal]
                    + quantised[rc - ra + maxVal];
            if (context == 0) {
                x = run(previous, current, x);
            } else {
                current[x] = regular(context, ra, rb, rc);
                x++;
            }
        }
    }

    /** One line of every component, sample interleaved: a run only where all components are flat. */
    private void pixels(int[][] previous, int[][] current) throws JpegLsException {
        int ns = previous.length;
        int[] contexts = new int[ns];
        int x = 1;
        while (x <= width) {
            boolean flat = true;
            for (int s = 0; s < ns; s++) {
                int[] p = previous[s];
                int ra = current[s][x - 1];
                contexts[s] = 81 * quantised[p[x + 1] - p[x] + maxVal] + 9 * quantised[p[x] - p[x - 1] + maxVal]
                        + quantised[p[x - 1] - ra + maxVal];
                flat &= contexts[s] == 0;
            }
            if (flat) {
                x = runOfPixels(previous, current, x);
                continue;
            }
            for (int s = 0; s < ns; s++) {
                current[s][x] = regular(contexts[s], current[s][x - 1], previous[s][x], previous[s][x - 1]);
            }
            x++;
        }
    }

    /** A sample in regular mode (T.87 A.3 to A.6) in the signed context {@code context}. */
    private int regular(int context, int ra, int rb, int rc) throws JpegLsException {
        int sign = 1;
        int q = context;
        if (q < 0) {
            q = -q;
            sign = -1;
        }
        int px;
        if (rc >= Math.max(ra, rb)) {
            px = Math.min(ra, rb);
        } else if (rc <= Math.min(ra, rb)) {
            px = Math.max(ra, rb);
        } else {
            px = ra + rb - rc;
        }
        px += sign * c[q];
        px = px > maxVal ? maxVal : Math.max(px, 0);
        int nq = n[q];
        long aq = a[q];
        int k = 0;
        while (((long) nq << k) < aq) {
            k++;
        }
        int mapped = value(k, limit);
        int error;
        if (near == 0 && k == 0 && 2 * b[q] <= -nq) {
            error = (mapped & 1) != 0 ? (mapped - 1) >> 1 : -(mapped >> 1) - 1;
        } else {
            error = (mapped & 1) == 0 ? mapped >> 1 : -((mapped + 1) >> 1);
        }
        int bq = b[q] + error * step;
        aq += Math.abs(error);
        if (nq == reset) {
            aq >>= 1;
            bq >>= 1;
            nq >>= 1;
        }
        nq++;
        a[q] = aq;
        n[q] = nq;
        if (bq <= -nq) {
            bq += nq;
            if (c[q] > MIN_C) {
                c[q]--;
            }
            if (bq <= -nq) {
                bq = -nq + 1;
            }
        } else if (bq > 0) {
            bq -= nq;
            if (c[q] < MAX_C) {
                c[q]++;
            }
            if (bq > 0) {
                bq = 0;
            }
        }
        b[q] = bq;
        return reconstructed(px + sign * error * step);
    }

    /** The run of one component from {@code x}, then its interruption sample; the position after both. */
    private int run(int[] previous, int[] current, int x) throws JpegLsException {
        int ra = current[x - 1];
        int length = runLength(width - x + 1);
        java.util.Arrays.fill(current, x, x + length, ra);
        x += length;
        if (x > width) {
            return x;
        }
        int rb = previous[x];
        int type = Math.abs(ra - rb) <= near ? 1 : 0;
        int error = interruption(type);
        current[x] = reconstructed(type == 1 ? ra + error * step : rb + (ra > rb ? -error : error) * step);
        if (runIndex > 0) {
            runIndex--;
        }
        return x + 1;
    }

    /** A run of whole pixels (sample interleave), then one interruption sample per component. */
    private int runOfPixels(int[][] previous, int[][] current, int x) throws JpegLsException {
        int length = runLength(width - x + 1);
        for (int[] line : current) {
            java.util.Arrays.fill(line, x, x + length, line[x - 1]);
        }
        x += length;
        if (x > width) {
            return x;
        }
        for (int s = 0; s < current.length; s++) {
            int ra = current[s][x - 1];
            int rb = previous[s][x];
            int error = interruption(0);
            current[s][x] = reconstructed(rb + (ra > rb ? -error : error) * step);
        }
        if (runIndex > 0) {
            runIndex--;
        }
        return x + 1;
    }

    /** The length of a run (T.87 A.7.1), at most {@code remaining}; equal to it when the run ends the line. */
    private int runLength(int remaining) throws JpegLsException {
        int length = 0;
        while (bit()) {
            int segment = 1 << J[runIndex];
            int filled = Math.min(segment, remaining - length);
            length += filled;
            if (filled == segment && runIndex < 31) {
                runIndex++;
            }
            if (length == remaining) {
                return length;
            }
        }
        if (J[runIndex] > 0) {
            length += bits(J[runIndex]);
        }
        if (length > remaining) {
            throw new JpegLsException("a JPEG-LS run goes past the end of its line");
        }
        return length;
    }

    /** The error of a run interruption sample of type {@code type} (T.87 A.7.2), updating its context. */
    private int interruption(int type) throws JpegLsException {
        int nq = runN[type];
        long temp = type == 0 ? runA[0] : runA[1] + (runN[1] >> 1);
        int k = 0;
        while (((long) nq << k) < temp) {
            k++;
        }
        int mapped = value(k, limit - J[runIndex] - 1);
        int t = mapped + type;
        int map = t & 1;
        int magnitude = (t + map) >> 1;
        boolean negative = (k != 0 || 2 * runNn[type] >= nq) == (map == 1);
        int error = negative ? -magnitude : magnitude;
        if (error < 0) {
            runNn[type]++;
        }
        runA[type] += (mapped + 1 - type) >> 1;
        if (nq == reset) {
            runA[type] >>= 1;
            runNn[type] >>= 1;
            nq >>= 1;
        }
        runN[type] = nq + 1;
        return error;
    }

    /** {@code value} brought back into 0..MAXVAL by the modulo reduction of T.87 A.4.5. */
    private int reconstructed(int value) {
        if (value < -near) {
            value += range * step;
        } else if (value > maxVal + near) {
            value -= range * step;
        }
        return value > maxVal ? maxVal : Math.max(value, 0);
    }

    /** A mapped error value: a limited Golomb code of parameter {@code k} (T.87 A.5.3), or its escape. */
    private int value(int k, int codeLimit) throws JpegLsException {
        int escape = codeLimit - qbpp - 1;
        if (k > 24 || escape < 1) {
            throw new JpegLsException("the JPEG-LS context parameters are out of range");
        }
        int prefix = unary(escape);
        int value = prefix == escape ? bits(qbpp) + 1 : k == 0 ? prefix : (prefix << k) | bits(k);
        if (value > range + 1) {
            throw new JpegLsException("a JPEG-LS error value is larger than the sample range");
        }
        return value;
    }

    /** The number of 0 bits before the next 1 bit, which is read too; never more than {@code most}. */
    private int unary(int most) throws JpegLsException {
        int zeros = 0;
        while (true) {
            if (count == 0) {
                fill();
            }
            int leading = Long.numberOfLeadingZeros(cache);
            if (leading < count) {
                zeros += leading;
                if (zeros > most) {
                    break;
                }
                cache = cache << leading << 1;
                count -= leading + 1;
                return zeros;
            }
            zeros += count;
            cache = 0;
            count = 0;
            if (zeros > most) {
                break;
            }
        }
        throw new JpegLsException("a JPEG-LS code is longer than its limit");
    }

    private boolean bit() throws JpegLsException {
        if (count == 0) {
            fill();
        }
        boolean one = cache < 0;
        cache <<= 1;
        count--;
        return one;
    }

    /** The next {@code length} bits, 1 to 32. */
    private int bits(int length) throws JpegLsException {
        if (count < length) {
            fill();
        }
        int value = (int) (cache >>> (64 - length));
        cache <<= length;
        count -= length;
        return value;
    }

    /**
     * Tops the bit cache up to more than 56 bits. After a 0xFF byte only the low 7 bits of the next byte are data; a
     * 0xFF followed by a byte with its high bit set is a marker, where the scan's data ends. Past the end, zero bits
     * are supplied for a look-ahead of at most eight bytes; a decoder that needs more was given too few bytes.
     */
    private void fill() throws JpegLsException {
        while (count <= 56) {
            if (pos >= end) {
                if (++padded > 8) {
                    throw new JpegLsException("the JPEG-LS scan ends before its last sample");
                }
                count += 8;
                continue;
            }
            int value = data[pos] & 0xFF;
            if (afterFf) {
                cache |= (long) value << (57 - count);
                count += 7;
                afterFf = false;
            } else if (value == 0xFF && pos + 1 < end && (data[pos + 1] & 0x80) != 0) {
                end = pos;
                continue;
            } else {
                cache |= (long) value << (56 - count);
                count += 8;
                afterFf = value == 0xFF;
            }
            pos++;
        }
    }

    /** The position of the next marker, once the bits read so far are known to lie within the scan's data. */
    private int finish() throws JpegLsException {
        if (count < 8 * padded) {
            throw new JpegLsException("the JPEG-LS scan ends before its last sample");
        }
        for (int at = pos; at + 1 < data.length; at++) {
            if (data[at] == (byte) 0xFF && (data[at + 1] & 0x80) != 0) {
                while (at + 2 < data.length && data[at + 1] == (byte) 0xFF) {
                    at++;
                }
                return at;
            }
        }
        throw new JpegLsException("the JPEG-LS scan is not followed by a marker");
    }

    /** Reads restart marker RST{@code number} and starts reading bits anew after it. */
    private void restart(int number) throws JpegLsException {
        int at = finish();
        if ((data[at + 1] & 0xFF) != 0xD0 + number) {
            throw new JpegLsException("a JPEG-LS restart marker is missing or out of order");
        }
        pos = at + 2;
        end = data.length;
        cache = 0;
        count = 0;
        afterFf = false;
        padded = 0;
    }
}
