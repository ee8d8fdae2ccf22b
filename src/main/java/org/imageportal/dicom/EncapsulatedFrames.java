package org.imageportal.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Where each frame of encapsulated (compressed) pixel data lies (PS3.5 A.4): the fragments that make up frame n, as
 * positions in the pixel data value (counted from the first byte after its undefined length). Only the item headers
 * and the first bytes of each fragment are read; nothing of the compressed data is held.
 *
 * <p>
 * Frames are located by the Basic Offset Table when it has entries; without one, a single frame is every fragment,
 * and several frames are one fragment each when there are as many fragments as frames (always so for RLE), else
 * each frame starts at a fragment that begins with its codestream's start marker (JPEG's SOI, JPEG 2000's SOC and
 * SIZ). Data that fits none of these is refused rather than guessed at.
 */
public final class EncapsulatedFrames {

    /** More fragments than this is not an image anyone made; the index stays a few MiB at most. */
    static final int MAX_FRAGMENTS = 1 << 18;

    private static final int ITEM = 0xE000;
    private static final int SEQUENCE_DELIMITER = 0xE0DD;

    private final long[] offsets;
    private final long[] lengths;
    /** Frame f is fragments [firstFragment[f], firstFragment[f + 1]). */
    private final int[] firstFragment;

    private EncapsulatedFrames(long[] offsets, long[] lengths, int[] firstFragment) {
        this.offsets = offsets;
        this.lengths = lengths;
        this.firstFragment = firstFragment;
    }

    /** The number of frames. */
    public int frames() {
        return firstFragment.length - 1;
    }

    /** The bytes of frame {@code frame} (from 1): its fragments joined. */
    public long frameLength(int frame) {
        long total = 0;
        for (int i = firstFragment[frame - 1]; i < firstFragment[frame]; i++) {
            total += lengths[i];
        }
        return total;
    }

    /** The fragments of frame {@code frame} (from 1), each as {position in the value, length}, in order. */
    public long[][] fragments(int frame) {
        int from = firstFragment[frame - 1];
        int to = firstFragment[frame];
        long[][] ranges = new long[to - from][];
        for (int i = from; i < to; i++) {
            ranges[i - from] = new long[]{offsets[i], lengths[i]};
        }
        return ranges;
    }

    /**
     * Indexes the encapsulated pixel data value read from {@code value} up to and including its sequence delimiter.
     *
     * @param frames Number of Frames, as checked against the limits when the header was read
     * @param transferSyntax the instance's transfer syntax, for the codestream's start marker
     */
    static EncapsulatedFrames read(InputStream value, int frames, String transferSyntax)
            throws IOException, DicomRejection {
        ItemReader items = new ItemReader(value);
        long tableLength = items.item();
        if (tableLength < 0) {
            throw broken("the encapsulated pixel data has no Basic Offset Table item");
        }
        if (tableLength % 4 != 0 || tableLength / 4 > frames || tableLength > 0 && tableLength / 4 != frames) {
            throw broken("the Basic Offset Table does not have one entry per frame");
        }
        long[] table = new long[(int) (tableLength / 4)];
        byte[] entries = items.readFully((int) tableLength);
        for (int i = 0; i < table.length; i++) {
            table[i] = le32(entries, i * 4);
        }
        byte[] startMarker = startMarker(transferSyntax);
        long[] offsets = new long[16];
        long[] lengths = new long[16];
        boolean[] starts = new boolean[16];
        int count = 0;
        long firstFragmentItem = items.position;
        while (true) {
            long length = items.item();
            if (length < 0) {
                break;
            }
            if (count == MAX_FRAGMENTS) {
                throw broken("the pixel data has more than " + MAX_FRAGMENTS + " fragments");
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
                starts = Arrays.copyOf(starts, count * 2);
            }
            offsets[count] = items.position;
            lengths[count] = length;
            byte[] head = items.readFully((int) Math.min(length, startMarker.length));
            starts[count] = head.length == startMarker.length && Arrays.equals(head, startMarker);
            items.skip(length - head.length);
            count++;
        }
        if (count == 0) {
            throw broken("the encapsulated pixel data has no fragments");
        }
        offsets = Arrays.copyOf(offsets, count);
        lengths = Arrays.copyOf(lengths, count);
        int[] firstFragment = table.length > 0
                ? byTable(table, offsets, firstFragmentItem, count)
                : withoutTable(frames, starts, count);
        return new EncapsulatedFrames(offsets, lengths, firstFragment);
    }

    private static int[] byTable(long[] table, long[] offsets, long firstFragmentItem, int count)
            throws DicomRejection {
        int[] first = new int[table.length + 1];
        int fragment = 0;
        for (int f = 0; f < table.length; f++) {
            // the table counts from the first fragment's item tag, which lies 8 bytes before its content
            long itemOffset = table[f];
            while (fragment < count && offsets[fragment] - 8 - firstFragmentItem < itemOffset) {
                fragment++;
            }
            if (fragment == count || offsets[fragment] - 8 - firstFragmentItem != itemOffset
                    || f > 0 && fragment <= first[f - 1] || f == 0 && fragment != 0) {
                throw broken("the Basic Offset Table does not point at the start of fragments in order");
            }
            first[f] = fragment;
        }
        first[table.length] = count;
        return first;
    }

    private static int[] withoutTable(int frames, boolean[] starts, int count) throws DicomRejection {
        int[] first = new int[frames + 1];
        first[frames] = count;
        if (frames == 1) {
            return first;
        }
        if (count == frames) {
            for (int f = 0; f < frames; f++) {
                first[f] = f;
            }
            return first;
        }
        int f = 0;
        for (int i = 0; i < count; i++) {
            if (starts[i]) {
                if (f == frames) {
                    throw unlocatable();
                }
                first[f++] = i;
            }
        }
        if (f != frames || first[0] != 0) {
            throw unlocatable();
        }
        return first;
    }

    /** The bytes a frame's codestream begins with, or none where fragments are not told apart that way. */
    private static byte[] startMarker(String transferSyntax) {
        return switch (transferSyntax) {
            case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                    "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" ->
                new byte[]{(byte) 0xFF, (byte) 0xD8};
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
                    "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203" ->
                new byte[]{(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51};
            default -> new byte[0];
        };
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    private static DicomRejection broken(String message) {
        return new DicomRejection(DicomRejection.Reason.NOT_DICOM, message);
    }

    private static DicomRejection unlocatable() {
        return broken("the frames of the encapsulated pixel data cannot be told apart (no Basic Offset Table)");
    }

    /** Reads items of the pixel data sequence, counting the position in the value. */
    private static final class ItemReader {

        private final InputStream in;
        private long position;

        ItemReader(InputStream in) {
            this.in = in;
        }

        /** The next item's length, or -1 at the sequence delimiter. */
        long item() throws IOException, DicomRejection {
            byte[] header = readFully(8);
            int group = (header[0] & 0xff) | (header[1] & 0xff) << 8;
            int element = (header[2] & 0xff) | (header[3] & 0xff) << 8;
            long length = le32(header, 4);
            if (group != 0xFFFE) {
                throw broken("the encapsulated pixel data holds something other than items");
            }
            if (element == SEQUENCE_DELIMITER) {
                return -1;
            }
            if (element != ITEM || length == 0xFFFFFFFFL || (length & 1) != 0) {
                throw broken("an item of the encapsulated pixel data has no valid length");
            }
            return length;
        }

        byte[] readFully(int n) throws IOException {
            byte[] bytes = in.readNBytes(n);
            if (bytes.length < n) {
                throw new EOFException("the stored pixel data ends inside an item");
            }
            position += n;
            return bytes;
        }

        void skip(long n) throws IOException {
            in.skipNBytes(n);
            position += n;
        }
    }
}
