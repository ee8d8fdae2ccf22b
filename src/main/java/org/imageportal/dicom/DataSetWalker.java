package org.imageportal.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;

/**
 * Walks the structure of a Part 10 file (tags, value representations, lengths, sequences, items, delimiters and
 * encapsulated fragments) without keeping any value, before the toolkit is given the bytes. The toolkit allocates
 * every value at its declared length and tolerates broken structure (it guesses, skips and re-synchronises), so
 * a few hundred hostile bytes could make it allocate gigabytes; here every declared length is checked against what
 * may still be held (the header budget of a stream, the rest of an array) and against the item or sequence that
 * holds it before anything is read. The rules follow the toolkit's reading (an explicit UN of undefined length and
 * implicit elements of sequence or unknown type hold implicit VR items; a private UN may be read as a sequence)
 * so that what passes here is parsed there the same way.
 */
final class DataSetWalker {

    /** Where the walker reads from: a stream captured within a budget, or a whole file in memory. */
    interface Source {

        /** Bytes consumed so far (the 128-byte preamble and DICM prefix included). */
        long position();

        /** How many more bytes a value may declare and still be held. */
        long room();

        /** The refusal for a value that declares more than {@link #room()}. */
        DicomRejection overRoom();

        /** Exactly {@code n} bytes (n is small), or fewer at the end. */
        byte[] read(int n) throws IOException;

        /** Consumes {@code n} bytes; {@link EOFException} if the data ends first. */
        void skip(long n) throws IOException;
    }

    /** Sequences nested deeper than this are refused (real data nests a handful of levels). */
    static final int MAX_DEPTH = 16;

    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final long ITEM = 0xFFFEE000L;
    private static final long ITEM_END = 0xFFFEE00DL;
    private static final long SEQUENCE_END = 0xFFFEE0DDL;
    private static final long NUMBER_OF_FRAMES = 0x00280008L;
    private static final long TRANSFER_SYNTAX = 0x00020010L;
    private static final long META_GROUP_LENGTH = 0x00020000L;

    private static final Set<String> VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO",
            "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL",
            "UN", "UR", "US", "UT", "UV");
    /** Explicit VRs with a reserved field and a 32-bit length. */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");
    private static final DicomDictionary DICTIONARY = AttributeList.getDictionary();

    private final Source in;
    private final int maxFrames;
    private long pendingTag = -1;

    DataSetWalker(Source in, int maxFrames) {
        this.in = in;
        this.maxFrames = maxFrames;
    }

    /**
     * Walks the file meta information (group 0002, always explicit VR little endian) that follows the 132-byte
     * prefix, up to the first tag of the data set, and returns its Transfer Syntax UID ("" when absent).
     */
    String metaInformation() throws IOException, DicomRejection {
        String transferSyntax = "";
        long groupLength = -1;
        long groupStart = -1;
        while (true) {
            long start = in.position();
            long tag = readTag();
            if (tag < 0 || tag >>> 16 != 0x0002) {
                pendingTag = tag;
                if (groupLength >= 0 && start - groupStart != groupLength) {
                    throw malformed("the file meta information is not as long as its group length says");
                }
                return transferSyntax;
            }
            String vr = explicitVr();
            long length = LONG_VRS.contains(vr) ? explicitLongLength() : u16();
            if (length == UNDEFINED || "SQ".equals(vr)) {
                throw malformed("the file meta information holds a sequence");
            }
            checkLength(length, -1);
            if (tag == META_GROUP_LENGTH) {
                if (!"UL".equals(vr) || length != 4) {
                    throw malformed("the file meta information group length is not a 4-byte UL");
                }
                groupLength = u32();
                groupStart = in.position();
            } else if (tag == TRANSFER_SYNTAX) {
                transferSyntax = text(length);
            } else {
                in.skip(length);
            }
        }
    }

    /**
     * Walks the data set after {@link #metaInformation()}. With {@code stopAtPixelData} it stops right after the
     * tag of the top-level pixel data and returns true, or returns false at the end of a data set without pixel
     * data; otherwise it walks everything to the end of the data and returns whether pixel data was seen.
     */
    boolean dataSet(boolean implicit, boolean stopAtPixelData) throws IOException, DicomRejection {
        boolean pixelData = false;
        long previous = -1;
        long tag = pendingTag;
        pendingTag = -1;
        while (tag >= 0) {
            if (tag >>> 16 == 0x0002) {
                throw malformed("a file meta information element follows the file meta information");
            }
            if (tag == Part10Reader.PIXEL_DATA_TAG) {
                if (stopAtPixelData) {
                    return true;
                }
                pixelData = true;
            }
            if (tag == SEQUENCE_END && previous == Part10Reader.PIXEL_DATA_TAG) {
                // a stray delimiter some modalities write after encapsulated pixel data; harmless when empty
                if (u32() != 0) {
                    throw malformed("a delimiter has a non-zero length");
                }
            } else if (tag >>> 16 == 0xFFFE) {
                throw malformed("an item or delimiter stands outside any sequence");
            } else {
                element(tag, implicit, 0, -1);
            }
            previous = tag;
            tag = readTag();
        }
        return pixelData;
    }

    private void element(long tag, boolean implicit, int depth, long end) throws IOException, DicomRejection {
        String vr;
        long length;
        byte[] dictionaryVr = DICTIONARY.getValueRepresentationFromTag(new AttributeTag((int) (tag >>> 16),
                (int) (tag & 0xFFFF)));
        String known = dictionaryVr == null || dictionaryVr.length < 2
                ? null
                : new String(dictionaryVr, 0, 2, StandardCharsets.US_ASCII);
        if (implicit) {
            length = u32();
            vr = known == null ? "UN" : known;
        } else {
            vr = explicitVr();
            length = LONG_VRS.contains(vr) ? explicitLongLength() : u16();
        }
        within(end);
        boolean privateTag = (tag >>> 16 & 1) == 1;
        boolean privateCreator = privateTag && (tag & 0xFF00) == 0 && (tag & 0xFF) >= 0x10;
        if (length == UNDEFINED) {
            boolean unknownSequence = "UN".equals(vr) && (known == null || "SQ".equals(known));
            if (!privateCreator && ("SQ".equals(vr) || unknownSequence)) {
                sequence(implicit || "UN".equals(vr), depth + 1, UNDEFINED, end);
            } else if (tag == Part10Reader.PIXEL_DATA_TAG) {
                fragments(end);
            } else {
                throw malformed("an element that is not a sequence has an undefined length");
            }
            return;
        }
        if ((length & 1) != 0) {
            throw malformed("an element has an odd length");
        }
        checkLength(length, end);
        if ("SQ".equals(vr) && !privateCreator) {
            sequence(implicit, depth + 1, length, end);
        } else if ("UN".equals(vr) && privateTag && !privateCreator && length >= 8) {
            // the toolkit reads some private UN values as implicit VR sequences: if it looks like one, it must be one
            long valueEnd = in.position() + length;
            long first = readTag();
            if (first == ITEM || first == SEQUENCE_END) {
                pendingTag = first;
                sequence(true, depth + 1, length - 4, valueEnd);
            } else {
                in.skip(length - 4);
            }
        } else if (tag == NUMBER_OF_FRAMES) {
            frames(length);
        } else {
            in.skip(length);
        }
    }

    /** Items up to the sequence delimiter (undefined length) or to the end of the value (defined length). */
    private void sequence(boolean implicit, int depth, long length, long end) throws IOException, DicomRejection {
        if (depth > MAX_DEPTH) {
            throw malformed("sequences are nested deeper than " + MAX_DEPTH + " levels");
        }
        boolean defined = length != UNDEFINED;
        long sequenceEnd = defined ? in.position() + length : end;
        while (!defined || in.position() < sequenceEnd) {
            long tag = pendingTag >= 0 ? pendingTag : readTag();
            pendingTag = -1;
            if (tag < 0) {
                throw new EOFException();
            }
            long itemLength = u32();
            within(sequenceEnd);
            if (tag == SEQUENCE_END) {
                if (defined) {
                    throw malformed("a sequence of defined length holds a sequence delimiter");
                }
                if (itemLength != 0) {
                    throw malformed("a delimiter has a non-zero length");
                }
                return;
            }
            if (tag != ITEM) {
                throw malformed("a sequence holds something other than items");
            }
            if (itemLength == UNDEFINED) {
                item(implicit, depth, -1, sequenceEnd);
            } else {
                if ((itemLength & 1) != 0) {
                    throw malformed("an item has an odd length");
                }
                checkLength(itemLength, sequenceEnd);
                item(implicit, depth, in.position() + itemLength, sequenceEnd);
            }
        }
        within(sequenceEnd);
    }

    /** The data set of one item, up to its end (defined length) or its delimiter (undefined length). */
    private void item(boolean implicit, int depth, long itemEnd, long outerEnd) throws IOException, DicomRejection {
        long end = itemEnd >= 0 ? itemEnd : outerEnd;
        while (itemEnd < 0 || in.position() < itemEnd) {
            long tag = readTag();
            if (tag < 0) {
                throw new EOFException();
            }
            if (tag == ITEM_END) {
                if (itemEnd >= 0) {
                    throw malformed("an item of defined length holds an item delimiter");
                }
                if (u32() != 0) {
                    throw malformed("a delimiter has a non-zero length");
                }
                within(outerEnd);
                return;
            }
            if (tag >>> 16 == 0xFFFE) {
                throw malformed("an item holds an item or delimiter outside a sequence");
            }
            element(tag, implicit, depth, end);
        }
        within(itemEnd);
    }

    /** Encapsulated pixel data: fragments of defined, even length up to the sequence delimiter. */
    private void fragments(long end) throws IOException, DicomRejection {
        while (true) {
            long tag = readTag();
            if (tag < 0) {
                throw new EOFException();
            }
            long length = u32();
            within(end);
            if (tag == SEQUENCE_END) {
                if (length != 0) {
                    throw malformed("a delimiter has a non-zero length");
                }
                return;
            }
            if (tag != ITEM) {
                throw malformed("encapsulated pixel data holds something other than fragments");
            }
            if (length == UNDEFINED || (length & 1) != 0) {
                throw malformed("a pixel data fragment has an undefined or odd length");
            }
            checkLength(length, end);
            in.skip(length);
        }
    }

    /** Number of Frames is read wherever it appears: the toolkit sizes arrays by it when it reads pixel data. */
    private void frames(long length) throws IOException, DicomRejection {
        if (length > 64) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE,
                    "Number of Frames (0028,0008) is not a number");
        }
        String value = text(length);
        if (value.isEmpty()) {
            return;
        }
        long frames = ImageGeometry.parse(value);
        if (frames < 1) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE,
                    "Number of Frames (0028,0008) is not a positive number");
        }
        if (frames > maxFrames) {
            throw new DicomRejection(DicomRejection.Reason.TOO_LARGE,
                    "the image has more than " + maxFrames + " frames");
        }
    }

    private void checkLength(long length, long end) throws DicomRejection {
        if (end >= 0 && in.position() + length > end) {
            throw malformed("an element is longer than the item or sequence that holds it");
        }
        if (length > in.room()) {
            throw in.overRoom();
        }
    }

    private void within(long end) throws DicomRejection {
        if (end >= 0 && in.position() > end) {
            throw malformed("an element is longer than the item or sequence that holds it");
        }
    }

    private String explicitVr() throws IOException, DicomRejection {
        byte[] bytes = exactly(2);
        String vr = new String(bytes, StandardCharsets.US_ASCII);
        if (!VRS.contains(vr)) {
            throw malformed("an element has no valid value representation");
        }
        return vr;
    }

    private long explicitLongLength() throws IOException, DicomRejection {
        if (u16() != 0) {
            throw malformed("an element's reserved bytes are not zero");
        }
        return u32();
    }

    private String text(long length) throws IOException {
        return new String(exactly((int) length), StandardCharsets.US_ASCII).replace('\0', ' ').strip();
    }

    /** The next tag, or -1 at a clean end of the data (no byte left). */
    private long readTag() throws IOException {
        byte[] b = in.read(4);
        if (b.length == 0) {
            return -1;
        }
        if (b.length < 4) {
            throw new EOFException();
        }
        long group = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
        long element = (b[2] & 0xFF) | (b[3] & 0xFF) << 8;
        return group << 16 | element;
    }

    private long u16() throws IOException {
        byte[] b = exactly(2);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    }

    private long u32() throws IOException {
        byte[] b = exactly(4);
        return (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24;
    }

    private byte[] exactly(int n) throws IOException {
        byte[] b = in.read(n);
        if (b.length < n) {
            throw new EOFException();
        }
        return b;
    }

    /** Broken structure; the message names the rule that was broken, never a value. */
    private static DicomRejection malformed(String message) {
        return new DicomRejection(DicomRejection.Reason.NOT_DICOM, message);
    }
}
