package org.imageportal.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/**
 * The document inside an Encapsulated PDF instance (PS3.3 A.45): the bytes of (0042,0011) without the padding byte
 * DICOM adds to an odd length (Encapsulated Document Length says the real one), checked to be a PDF.
 */
public final class EncapsulatedDocument {

    /** Encapsulated PDF Storage. */
    public static final String PDF_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.104.1";

    private EncapsulatedDocument() {
    }

    /**
     * The PDF in a Part 10 file, at most {@code maxBytes} of the file held in memory.
     *
     * @throws DicomRejection not an encapsulated PDF, or it holds no PDF
     */
    public static byte[] pdf(InputStream part10, int maxBytes) throws DicomRejection, IOException {
        Part10Instance instance = Part10Reader.open(part10, new Part10Reader.Limits(maxBytes, maxBytes));
        if (!PDF_SOP_CLASS.equals(instance.header().sopClassUid())) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "not an encapsulated PDF");
        }
        AttributeList list = instance.attributes();
        Attribute document = list.get(TagFromName.EncapsulatedDocument);
        byte[] bytes;
        try {
            bytes = document == null ? new byte[0] : document.getByteValues();
        } catch (com.pixelmed.dicom.DicomException e) {
            bytes = new byte[0];
        }
        long declared = Attribute.getSingleLongValueOrDefault(list, TagFromName.EncapsulatedDocumentLength, -1);
        if (declared >= 0 && declared <= bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) declared);
        } else if (bytes.length > 0 && bytes[bytes.length - 1] == 0) {
            bytes = Arrays.copyOf(bytes, bytes.length - 1);
        }
        if (bytes.length < 5 || !new String(bytes, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-")) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "the instance holds no PDF document");
        }
        return bytes;
    }
}
