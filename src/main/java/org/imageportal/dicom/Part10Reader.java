package org.imageportal.dicom;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;

/**
 * Reads the header of a DICOM Part 10 stream (everything before the pixel data) and checks what must hold before
 * an instance is stored: the {@code DICM} prefix, the file meta information, the required UIDs and their syntax,
 * a storage SOP class, a transfer syntax we serve, and the size limits. The pixel data is not read here; the
 * returned {@link Part10Instance} streams it on, checking at the end that nothing was cut off.
 */
public final class Part10Reader {

    /** Upper bounds: the whole instance, and the part of it held in memory (the header). */
    public record Limits(long maxInstanceBytes, int maxHeaderBytes) {
    }

    static final long PIXEL_DATA_TAG = 0x7FE00010L;

    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

    /** Transfer syntaxes stored and served as received: native little endian and the common compressed ones. */
    private static final Set<String> TRANSFER_SYNTAXES = Set.of(
            "1.2.840.10008.1.2", "1.2.840.10008.1.2.1",
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
            "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.201",
            "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203", "1.2.840.10008.1.2.5",
            "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101", "1.2.840.10008.1.2.4.102",
            "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105",
            "1.2.840.10008.1.2.4.106", "1.2.840.10008.1.2.4.107", "1.2.840.10008.1.2.4.108");

    private static final Set<String> STORAGE_SOP_CLASSES = Set.of(SOPClass.arrayOfStorageSOPClasses);

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
            AttributeList list = new AttributeList();
            DicomInputStream dicom = new DicomInputStream(
                    new SequenceInputStream(new ByteArrayInputStream(prefix), capture));
            long position = list.read(dicom, TagFromName.PixelData);
            // PixelMed logs and skips some element errors instead of throwing, so check what it consumed
            if (capture.overLimit()) {
                throw new HeaderCapture.TooLarge();
            }
            if (capture.endReached() && position != capture.length()) {
                throw new EOFException();
            }
            PixelData pixelData = PixelData.NONE;
            String transferSyntax = string(list, TagFromName.TransferSyntaxUID);
            if (capture.lastTagLittleEndian() == PIXEL_DATA_TAG && list.get(TagFromName.PixelData) == null) {
                pixelData = readPixelDataHeader(capture, transferSyntax);
            }
            InstanceHeader header = check(list, transferSyntax);
            return new Part10Instance(header, list, capture.captured(), source, pixelData, limits);
        } catch (IOException | DicomException | RuntimeException e) {
            // PixelMed wraps what went wrong underneath, so the capture says what it was
            if (capture.sourceFailure() != null) {
                throw capture.sourceFailure();
            }
            if (capture.overLimit()) {
                throw new DicomRejection(DicomRejection.Reason.TOO_LARGE,
                        "the header (everything before the pixel data) is larger than " + limits.maxHeaderBytes()
                                + " bytes");
            }
            if (capture.endReached()) {
                throw new DicomRejection(DicomRejection.Reason.TRUNCATED, "the file ends inside its header");
            }
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "the data set cannot be parsed as DICOM");
        }
    }

    /** Value representation and length of the top-level pixel data element, whose tag was just read. */
    private static PixelData readPixelDataHeader(HeaderCapture capture, String transferSyntax) throws IOException {
        boolean implicit = "1.2.840.10008.1.2".equals(transferSyntax);
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
            lengthBytes = capture.readUpTo(4);
        }
        if (lengthBytes.length < 4) {
            throw new EOFException();
        }
        long length = (lengthBytes[0] & 0xffL) | (lengthBytes[1] & 0xffL) << 8 | (lengthBytes[2] & 0xffL) << 16
                | (lengthBytes[3] & 0xffL) << 24;
        boolean encapsulated = length == 0xFFFFFFFFL;
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
        if (transferSyntax.isEmpty()) {
            throw new DicomRejection(DicomRejection.Reason.INVALID_ATTRIBUTE,
                    "the file meta information has no Transfer Syntax UID (0002,0010)");
        }
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
        if (!TRANSFER_SYNTAXES.contains(transferSyntax)) {
            throw new DicomRejection(DicomRejection.Reason.UNSUPPORTED_TRANSFER_SYNTAX,
                    "transfer syntax " + transferSyntax + " is not supported");
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
                integer(list, TagFromName.InstanceNumber), integer(list, TagFromName.Rows),
                integer(list, TagFromName.Columns), integer(list, TagFromName.NumberOfFrames));
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
