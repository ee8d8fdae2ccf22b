package org.imageportal.dicom;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * Reads the header of a DICOM Part 10 stream (everything before the pixel data) and checks what must hold before
 * an instance is stored: the {@code DICM} prefix, the structure of every element (walked before the toolkit parses
 * the header, see {@link DataSetWalker}), the file meta information, the required UIDs and their syntax, a storage
 * SOP class, a transfer syntax we serve, the size limits, and a pixel geometry that the pixel data can hold. The
 * pixel data is not read here; the returned {@link Part10Instance} streams it on, checking at the end that nothing
 * was cut off.
 */
public final class Part10Reader {

    /**
     * Upper bounds: the whole instance; the part of it held in memory (the header); the pixels of one frame (Rows x
     * Columns) and the number of frames, which bound what readers of the pixel data allocate per frame and per
     * instance whatever the compression.
     */
    public record Limits(long maxInstanceBytes, int maxHeaderBytes, long maxFramePixels, int maxFrames) {

        /**
         * 100 million pixels (10,000 x 10,000) per frame: above digitised film and the largest single-frame
         * projection images; whole-slide images are tiled into far smaller frames.
         */
        public static final long DEFAULT_MAX_FRAME_PIXELS = 100_000_000L;

        /** 10,000 frames: long cine loops and enhanced multi-frame CT and MR stay well below it. */
        public static final int DEFAULT_MAX_FRAMES = 10_000;

        public Limits {
            if (maxInstanceBytes <= 0 || maxHeaderBytes <= 0 || maxFramePixels <= 0 || maxFrames <= 0) {
                throw new IllegalArgumentException("limits are positive");
            }
        }

        /** The size limits with the default frame limits. */
        public Limits(long maxInstanceBytes, int maxHeaderBytes) {
            this(maxInstanceBytes, maxHeaderBytes, DEFAULT_MAX_FRAME_PIXELS, DEFAULT_MAX_FRAMES);
        }
    }

    static final long PIXEL_DATA_TAG = 0x7FE00010L;

    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    /** Transfer syntaxes stored and served as received: native little endian and the common compressed ones. */
    static final Set<String> TRANSFER_SYNTAXES = Set.of(
            "1.2.840.10008.1.2", "1.2.840.10008.1.2.1",
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
            "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
            "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.5",
            "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101", "1.2.840.10008.1.2.4.102",
            "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105",
            "1.2.840.10008.1.2.4.106", "1.2.840.10008.1.2.4.107", "1.2.840.10008.1.2.4.108");

    static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";

    /** The transfer syntaxes whose pixel data is native (not encapsulated). */
    static final Set<String> NATIVE = Set.of(IMPLICIT_VR_LITTLE_ENDIAN, "1.2.840.10008.1.2.1");

    private static final Set<String> PIXEL_DATA_VRS = Set.of("OB", "OW", "UN");

    static final Set<String> STORAGE_SOP_CLASSES = Set.of(SOPClass.arrayOfStorageSOPClasses);

    private Part10Reader() {
    }

    /** The message of a rejection for data that is not DICOM at all (a viewer program, a text file). */
    public static final String NOT_DICOM_MESSAGE = "not a DICOM Part 10 file (no 128-byte preamble followed by DICM)";

    /** The SOP Class UID of a DICOMDIR, which is media metadata rather than an instance to store. */
    public static final String MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10";

    /**
     * Reads and checks the header of {@code source}. On success the source is positioned after the header and
     * must be consumed through {@link Part10Instance#content()}.
     *
     * @throws DicomRejection the data cannot be accepted (reason and a message without PHI)
     * @throws IOException the source failed (not a property of the data)
     */
    public static Part10Instance open(InputStream source, Limits limits) throws DicomRejection, IOException {
        HeaderCapture capture = new HeaderCapture(source, limits.maxHeaderBytes());
        try {
            byte[] prefix = capture.readUpTo(132);
            if (prefix.length < 132 || !"DICM".equals(new String(prefix, 128, 4, StandardCharsets.US_ASCII))) {
                throw new DicomRejection(DicomRejection.Reason.NOT_DICOM,
                        NOT_DICOM_MESSAGE);
            }
            // the structure is checked before the toolkit sees a byte: it allocates values at their declared length
            DataSetWalker walker = new DataSetWalker(budget(capture, limits), limits.maxFrames());
            String transferSyntax = walker.metaInformation();
            checkTransferSyntax(transferSyntax);
            boolean pixelDataTag = walker.dataSet(IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax), true);
            long pixelDataTagEnd = capture.length();
            PixelData pixelData = pixelDataTag ? readPixelDataHeader(capture, transferSyntax) : PixelData.NONE;
            byte[] headerBytes = capture.captured();
            AttributeList list = new AttributeList();
            // decompressing (icons in sequences) would size images by values of the data set
            list.setDecompressPixelData(false);
            long position = list.read(new DicomInputStream(new ByteArrayInputStream(headerBytes)),
                    TagFromName.PixelData);
            if (position != (pixelDataTag ? pixelDataTagEnd : headerBytes.length)
                    || list.get(TagFromName.PixelData) != null) {
                throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "the data set cannot be parsed as DICOM");
            }
            try {
                InstanceHeader header = check(list, transferSyntax);
                ImageGeometry geometry = pixelData.present()
                        ? checkGeometry(list, transferSyntax, pixelData, limits)
                        : null;
                return new Part10Instance(header, list, headerBytes, source, pixelData, geometry, limits);
            } catch (DicomRejection e) {
                throw e.naming(validUidOrEmpty(list, TagFromName.SOPClassUID),
                        validUidOrEmpty(list, TagFromName.SOPInstanceUID));
            }
        } catch (IOException | DicomException | RuntimeException e) {
            // PixelMed wraps what went wrong underneath, so the capture says what it was
            if (capture.sourceFailure() != null) {
                throw capture.sourceFailure();
            }
            if (capture.overLimit()) {
                throw headerTooLarge(limits);
            }
            if (capture.endReached()) {
                throw new DicomRejection(DicomRejection.Reason.TRUNCATED, "the file ends inside its header");
            }
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "the data set cannot be parsed as DICOM");
        }
    }

    /**
     * Checks the structure of a whole Part 10 file held in memory (meta information, data set, pixel data and what
     * follows it) before the toolkit parses it, every length bounded by the end of the array.
     *
     * @return the Transfer Syntax UID, one that is stored and served
     */
    static String checkStructure(byte[] part10, int maxFrames) throws DicomRejection {
        if (part10.length < 132 || !"DICM".equals(new String(part10, 128, 4, StandardCharsets.US_ASCII))) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, NOT_DICOM_MESSAGE);
        }
        DataSetWalker walker = new DataSetWalker(new DataSetWalker.Source() {

            private int position = 132;

            @Override
            public long position() {
                return position;
            }

            @Override
            public long room() {
                return part10.length - position;
            }

            @Override
            public DicomRejection overRoom() {
                return new DicomRejection(DicomRejection.Reason.TRUNCATED,
                        "an element is longer than what is left of the file");
            }

            @Override
            public byte[] read(int n) {
                int end = (int) Math.min(part10.length, (long) position + n);
                byte[] out = Arrays.copyOfRange(part10, position, end);
                position = end;
                return out;
            }

            @Override
            public void skip(long n) throws EOFException {
                if (n > room()) {
                    position = part10.length;
                    throw new EOFException();
                }
                position += (int) n;
            }
        }, maxFrames);
        try {
            String transferSyntax = walker.metaInformation();
            checkTransferSyntax(transferSyntax);
            walker.dataSet(IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax), false);
            return transferSyntax;
        } catch (IOException e) {
            throw new DicomRejection(DicomRejection.Reason.TRUNCATED, "the file ends inside an element");
        }
    }

    /** Reads through the capture, each value declared within what the header may still hold. */
    private static DataSetWalker.Source budget(HeaderCapture capture, Limits limits) {
        return new DataSetWalker.Source() {

            @Override
            public long position() {
                return capture.length();
            }

            @Override
            public long room() {
                return limits.maxHeaderBytes() - (long) capture.length();
            }

            @Override
            public DicomRejection overRoom() {
                return headerTooLarge(limits);
            }

            @Override
            public byte[] read(int n) throws IOException {
                return capture.readUpTo(n);
            }

            @Override
            public void skip(long n) throws IOException {
                if (capture.skip(n) < n) {
                    throw new EOFException();
                }
            }
        };
    }

    private static DicomRejection headerTooLarge(Limits limits) {
        return new DicomRejection(DicomRejection.Reason.TOO_LARGE,
                "the header (everything before the pixel data) is larger than " + limits.maxHeaderBytes() + " bytes");
    }

    private static void checkTransferSyntax(String transferSyntax) throws DicomRejection {
        if (transferSyntax.isEmpty()) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE,
                    "the file meta information has no Transfer Syntax UID (0002,0010)");
        }
        if (!TRANSFER_SYNTAXES.contains(transferSyntax)) {
            throw new DicomRejection(DicomRejection.Reason.UNSUPPORTED_TRANSFER_SYNTAX,
                    "transfer syntax " + (UID.matcher(transferSyntax).matches() && transferSyntax.length() <= 64
                            ? transferSyntax
                            : "(not a UID)") + " is not supported");
        }
    }

    /**
     * The geometry the pixel data declares, within the limits and, for native pixel data, no larger than the value
     * that holds it: readers size their buffers by it.
     */
    static ImageGeometry checkGeometry(AttributeList list, String transferSyntax, PixelData pixelData,
            Limits limits) throws DicomRejection {
        ImageGeometry geometry = ImageGeometry.of(list);
        if (geometry.framePixels() > limits.maxFramePixels()) {
            throw new DicomRejection(DicomRejection.Reason.TOO_LARGE,
                    "a frame has more than " + limits.maxFramePixels() + " pixels (Rows x Columns)");
        }
        if (geometry.frames() > limits.maxFrames()) {
            throw new DicomRejection(DicomRejection.Reason.TOO_LARGE,
                    "the image has more than " + limits.maxFrames() + " frames");
        }
        boolean nativeSyntax = NATIVE.contains(transferSyntax);
        if (nativeSyntax != pixelData.length() >= 0) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, nativeSyntax
                    ? "the pixel data is encapsulated although the transfer syntax is native"
                    : "the pixel data is native although the transfer syntax is encapsulated");
        }
        if (nativeSyntax && geometry.nativeBytes() > pixelData.length()) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE, "the pixel data is shorter than "
                    + "Rows x Columns x Samples per Pixel x Bits Allocated x Number of Frames declare");
        }
        return geometry;
    }

    /** Value representation and length of the top-level pixel data element, whose tag was just read. */
    private static PixelData readPixelDataHeader(HeaderCapture capture, String transferSyntax)
            throws IOException, DicomRejection {
        boolean implicit = IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax);
        String vr;
        byte[] lengthBytes;
        if (implicit) {
            vr = null;
            lengthBytes = capture.readUpTo(4);
        } else {
            byte[] vrAndReserved = capture.readUpTo(4);
            if (vrAndReserved.length < 4) {
                throw new EOFException();
            }
            vr = new String(vrAndReserved, 0, 2, StandardCharsets.US_ASCII);
            if (!PIXEL_DATA_VRS.contains(vr) || vrAndReserved[2] != 0 || vrAndReserved[3] != 0) {
                throw new DicomRejection(DicomRejection.Reason.NOT_DICOM,
                        "the pixel data has no valid value representation (OB, OW or UN)");
            }
            lengthBytes = capture.readUpTo(4);
        }
        if (lengthBytes.length < 4) {
            throw new EOFException();
        }
        long length = (lengthBytes[0] & 0xffL) | (lengthBytes[1] & 0xffL) << 8 | (lengthBytes[2] & 0xffL) << 16
                | (lengthBytes[3] & 0xffL) << 24;
        boolean encapsulated = length == 0xFFFFFFFFL;
        if (!encapsulated && (length & 1) != 0) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "the pixel data has an odd length");
        }
        if (vr == null) {
            vr = encapsulated ? "OB" : "OW";
        }
        return new PixelData(true, vr, encapsulated ? -1 : length);
    }

    private static InstanceHeader check(AttributeList list, String transferSyntax) throws DicomRejection {
        if (MEDIA_STORAGE_DIRECTORY.equals(string(list, TagFromName.MediaStorageSOPClassUID))) {
            throw new DicomRejection(DicomRejection.Reason.MEDIA_DIRECTORY,
                    "a DICOMDIR (the index of a CD), not an image: nothing to store");
        }
        String sopClass = requiredUid(list, TagFromName.SOPClassUID, "SOP Class UID (0008,0016)");
        String sopInstance = requiredUid(list, TagFromName.SOPInstanceUID, "SOP Instance UID (0008,0018)");
        String study = requiredUid(list, TagFromName.StudyInstanceUID, "Study Instance UID (0020,000D)");
        String series = requiredUid(list, TagFromName.SeriesInstanceUID, "Series Instance UID (0020,000E)");
        String metaClass = string(list, TagFromName.MediaStorageSOPClassUID);
        String metaInstance = string(list, TagFromName.MediaStorageSOPInstanceUID);
        if (!metaClass.isEmpty() && !metaClass.equals(sopClass)
                || !metaInstance.isEmpty() && !metaInstance.equals(sopInstance)) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE,
                    "the file meta information names another SOP class or instance than the data set");
        }
        if (!STORAGE_SOP_CLASSES.contains(sopClass)) {
            throw new DicomRejection(DicomRejection.Reason.UNSUPPORTED_SOP_CLASS,
                    "SOP class " + sopClass + " is not a storage SOP class we accept");
        }
        PatientIdentity patient = new PatientIdentity(string(list, TagFromName.PatientID),
                string(list, TagFromName.IssuerOfPatientID), string(list, TagFromName.PatientName),
                string(list, TagFromName.PatientBirthDate), string(list, TagFromName.PatientSex));
        return new InstanceHeader(sopClass, sopInstance, study, series, transferSyntax, patient,
                string(list, TagFromName.StudyDate), string(list, TagFromName.StudyTime),
                string(list, TagFromName.AccessionNumber), string(list, TagFromName.ReferringPhysicianName),
                string(list, TagFromName.StudyDescription), string(list, TagFromName.StudyID),
                string(list, TagFromName.Modality), integer(list, TagFromName.SeriesNumber),
                string(list, TagFromName.SeriesDescription), string(list, TagFromName.BodyPartExamined),
                string(list, TagFromName.PerformedProcedureStepStartDate),
                string(list, TagFromName.PerformedProcedureStepStartTime), requestAttributes(list),
                integer(list, TagFromName.InstanceNumber), integer(list, TagFromName.Rows),
                integer(list, TagFromName.Columns), integer(list, TagFromName.BitsAllocated),
                integer(list, TagFromName.NumberOfFrames));
    }

    /** The first items of the Request Attributes Sequence, each with the identifiers a worklist matches on. */
    /** (0040,0009), which PixelMed's dictionary lacks. */
    private static final AttributeTag SCHEDULED_PROCEDURE_STEP_ID = new AttributeTag(0x0040, 0x0009);

    private static List<InstanceHeader.RequestAttributes> requestAttributes(AttributeList list) {
        if (!(list.get(TagFromName.RequestAttributesSequence) instanceof SequenceAttribute sequence)) {
            return List.of();
        }
        List<InstanceHeader.RequestAttributes> out = new ArrayList<>();
        for (int i = 0; i < sequence.getNumberOfItems() && out.size() < InstanceHeader.MAX_REQUEST_ATTRIBUTES; i++) {
            AttributeList item = sequence.getItem(i).getAttributeList();
            InstanceHeader.RequestAttributes attributes = new InstanceHeader.RequestAttributes(
                    string(item, TagFromName.RequestedProcedureID),
                    string(item, SCHEDULED_PROCEDURE_STEP_ID), string(item, TagFromName.AccessionNumber));
            if (!attributes.requestedProcedureId().isEmpty() || !attributes.scheduledProcedureStepId().isEmpty()
                    || !attributes.accessionNumber().isEmpty()) {
                out.add(attributes);
            }
        }
        return out;
    }

    private static String validUidOrEmpty(AttributeList list, AttributeTag tag) {
        String value = string(list, tag);
        return value.length() <= 64 && UID.matcher(value).matches() ? value : "";
    }

    private static String requiredUid(AttributeList list, AttributeTag tag, String name) throws DicomRejection {
        String value = string(list, tag);
        if (value.isEmpty()) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE, name + " is missing or empty");
        }
        if (value.length() > 64 || !UID.matcher(value).matches()) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE, name + " is not a valid UID");
        }
        return value;
    }

    static String string(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).strip();
    }

    private static Integer integer(AttributeList list, AttributeTag tag) {
        String value = string(list, tag);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The top-level pixel data element: present or not, its VR, and its length (-1 when encapsulated). */
    record PixelData(boolean present, String vr, long length) {

        static final PixelData NONE = new PixelData(false, null, 0);
    }
}
