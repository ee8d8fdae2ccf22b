package org.imageportal.dicom;

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header naming up to 15 segments, one per byte of each sample (most
 * significant byte first, sample by sample), each a PackBits run-length stream of exactly Rows x Columns bytes. The
 * frame is rebuilt as native little-endian pixel data, samples interleaved. Every offset and run is checked against
 * the frame's own bytes and the output's size, which the caller has already bounded.
 */
final class RleDecoder {

    private RleDecoder() {
    }

    /**
     * The native pixel data of one frame.
     *
     * @param frame the frame's compressed bytes (its fragments joined)
     * @param pixels Rows x Columns
     * @param samples samples per pixel (1 or 3)
     * @param bytesPerSample 1 or 2
     */
    static byte[] decode(byte[] frame, int pixels, int samples, int bytesPerSample) throws FrameDecoder.Undecodable {
        if (frame.length < 64) {
            throw broken("the RLE header is shorter than 64 bytes");
        }
        int segments = (int) le32(frame, 0);
        if (segments != samples * bytesPerSample) {
            throw broken("the RLE header names " + Math.max(0, Math.min(segments, 99)) + " segments, not "
                    + samples * bytesPerSample);
        }
        long[] offsets = new long[segments + 1];
        for (int i = 0; i < segments; i++) {
            offsets[i] = le32(frame, 4 + 4 * i);
        }
        offsets[segments] = frame.length;
        if (offsets[0] != 64) {
            throw broken("the first RLE segment does not follow the header");
        }
        for (int i = 0; i < segments; i++) {
            if (offsets[i + 1] < offsets[i] || offsets[i + 1] > frame.length) {
                throw broken("the RLE segment offsets are out of order or beyond the frame");
            }
        }
        byte[] out = new byte[pixels * samples * bytesPerSample];
        int stride = samples * bytesPerSample;
        for (int s = 0; s < segments; s++) {
            int sample = s / bytesPerSample;
            int significance = s % bytesPerSample;
            // little endian: the most significant byte (segment 0 of the sample) goes last
            int start = sample * bytesPerSample + (bytesPerSample - 1 - significance);
            unpack(frame, (int) offsets[s], (int) offsets[s + 1], out, start, stride, pixels);
        }
        return out;
    }

    /** PackBits from {@code frame[from, to)} into every {@code stride}-th byte of {@code out} from {@code start}. */
    private static void unpack(byte[] frame, int from, int to, byte[] out, int start, int stride, int count)
            throws FrameDecoder.Undecodable {
        int at = from;
        int written = 0;
        int position = start;
        while (written < count) {
            if (at >= to) {
                throw broken("an RLE segment ends before the frame is complete");
            }
            int header = frame[at++];
            if (header >= 0) {
                int literal = header + 1;
                if (at + literal > to) {
                    throw broken("an RLE literal run goes beyond its segment");
                }
                int n = Math.min(literal, count - written);
                for (int i = 0; i < n; i++) {
                    out[position] = frame[at + i];
                    position += stride;
                }
                at += literal;
                written += n;
            } else if (header != -128) {
                if (at >= to) {
                    throw broken("an RLE replicate run has no byte to repeat");
                }
                byte value = frame[at++];
                int n = Math.min(1 - header, count - written);
                for (int i = 0; i < n; i++) {
                    out[position] = value;
                    position += stride;
                }
                written += n;
            }
        }
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    private static FrameDecoder.Undecodable broken(String message) {
        return new FrameDecoder.Undecodable(message);
    }
}
