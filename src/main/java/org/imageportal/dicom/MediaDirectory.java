package org.imageportal.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;

/**
 * Builds the DICOMDIR of a PS3.10 file set (PS3.3 Annex F, Basic Directory IOD) from index data, without reading
 * the referenced files again (except the keys of objects other than images): one PATIENT record, its STUDY, the
 * SERIES and a record per file of the type its SOP class calls for ({@link DirectoryRecords}). Records are
 * linked by byte offsets, which are only known once the directory is encoded, so it is encoded twice: once to learn
 * where each record starts, once with the offsets filled in. The result is small (about 400 bytes per file).
 */
public final class MediaDirectory {

    /** Media Storage Directory Storage. */
    private static final String DIRECTORY_SOP_CLASS = "1.2.840.10008.1.3.10";
    private static final int RECORD_IN_USE = 0xFFFF;
    /** Unicode in UTF-8, the defined term of Specific Character Set */
    private static final String UTF_8_TERM = "ISO_IR 192";

    /** The patient as the files name them. */
    public record Patient(String id, String name, String birthDate, String sex) {
    }

    /** The study the file set holds. */
    public record Study(String studyUid, String date, String time, String description, String studyId,
            String accessionNumber) {
    }

    /**
     * One file of the set, with the path components of its File ID (each 1 to 8 of A-Z, 0-9, _), and for an object
     * other than an image the keys its record takes from the file ({@link DirectoryRecords#read}; null if unread).
     */
    public record Entry(List<String> fileId, String seriesUid, String modality, Integer seriesNumber,
            String sopClassUid, String sopInstanceUid, String transferSyntaxUid, Integer instanceNumber,
            DirectoryRecords.FileKeys keys) {

        public Entry {
            if (fileId.isEmpty() || fileId.size() > 8 || !fileId.stream().allMatch(c -> c.matches("[A-Z0-9_]{1,8}"))) {
                throw new IllegalArgumentException("a File ID has 1 to 8 components of 1 to 8 characters A-Z 0-9 _");
            }
        }

        /** An entry whose record needs nothing from the file (an image). */
        public Entry(List<String> fileId, String seriesUid, String modality, Integer seriesNumber, String sopClassUid,
                String sopInstanceUid, String transferSyntaxUid, Integer instanceNumber) {
            this(fileId, seriesUid, modality, seriesNumber, sopClassUid, sopInstanceUid, transferSyntaxUid,
                    instanceNumber, null);
        }
    }

    private MediaDirectory() {
    }

    /** Encodes the DICOMDIR (with preamble and file meta information) for the given files, in the given order. */
    public static byte[] encode(Patient patient, Study study, List<Entry> entries) {
        try {
            Map<String, List<Entry>> bySeries = new LinkedHashMap<>();
            for (Entry e : entries) {
                bySeries.computeIfAbsent(e.seriesUid(), k -> new ArrayList<>()).add(e);
            }
            List<Node> seriesNodes = new ArrayList<>();
            // a series or file without a number gets the next one after the highest the set holds, in order
            int nextSeries = entries.stream().map(Entry::seriesNumber).filter(Objects::nonNull)
                    .mapToInt(Integer::intValue).max().orElse(0);
            for (List<Entry> files : bySeries.values()) {
                Entry first = files.getFirst();
                int seriesNumber = first.seriesNumber() != null ? first.seriesNumber() : ++nextSeries;
                List<Node> images = new ArrayList<>();
                int nextInstance = files.stream().map(Entry::instanceNumber).filter(Objects::nonNull)
                        .mapToInt(Integer::intValue).max().orElse(0);
                for (Entry f : files) {
                    int number = f.instanceNumber() != null ? f.instanceNumber() : ++nextInstance;
                    images.add(new Node(instanceRecord(f, number, study), List.of()));
                }
                seriesNodes.add(new Node(seriesRecord(first, seriesNumber), images));
            }
            Node studyNode = new Node(studyRecord(study), seriesNodes);
            Node patientNode = new Node(patientRecord(patient), List.of(studyNode));

            AttributeList list = new AttributeList();
            FileMetaInformation.addFileMetaInformation(list, DIRECTORY_SOP_CLASS, freshUid(),
                    TransferSyntax.ExplicitVRLittleEndian, "IMAGEPORTAL");
            put(list, new CodeStringAttribute(TagFromName.FileSetID), "PORTAL_STUDY");
            putLong(list, TagFromName.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, 0);
            putLong(list, TagFromName.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity, 0);
            putShort(list, TagFromName.FileSetConsistencyFlag, 0);
            SequenceAttribute records = new SequenceAttribute(TagFromName.DirectoryRecordSequence);
            list.put(records);
            List<Node> order = new ArrayList<>();
            patientNode.flatten(order);
            for (Node node : order) {
                node.item = new SequenceItem(node.attributes);
                records.addItem(node.item);
            }
            // first pass: learn each record's byte offset; second pass: write with the links filled in
            write(list, OutputStream.nullOutputStream());
            for (Node node : order) {
                Node next = node.nextSibling;
                putLong(node.attributes, TagFromName.OffsetOfTheNextDirectoryRecord,
                        next == null ? 0 : next.item.getByteOffset());
                putLong(node.attributes, TagFromName.OffsetOfReferencedLowerLevelDirectoryEntity,
                        node.children.isEmpty() ? 0 : node.children.getFirst().item.getByteOffset());
            }
            putLong(list, TagFromName.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity,
                    patientNode.item.getByteOffset());
            putLong(list, TagFromName.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity,
                    patientNode.item.getByteOffset());
            ByteArrayOutputStream out = new ByteArrayOutputStream(512 + entries.size() * 400);
            write(list, out);
            return out.toByteArray();
        } catch (DicomException | IOException e) {
            throw new IllegalStateException("the DICOMDIR could not be encoded", e);
        }
    }

    private static void write(AttributeList list, OutputStream out) throws IOException, DicomException {
        list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true, false);
    }

    /** A directory record with its lower-level entity; siblings are linked when the tree is flattened. */
    private static final class Node {

        final AttributeList attributes;
        final List<Node> children;
        Node nextSibling;
        SequenceItem item;

        Node(AttributeList attributes, List<Node> children) {
            this.attributes = attributes;
            this.children = children;
            for (int i = 0; i + 1 < children.size(); i++) {
                children.get(i).nextSibling = children.get(i + 1);
            }
        }

        /** Depth first: each record is followed by its lower-level records, as media creators usually lay out. */
        void flatten(List<Node> out) {
            out.add(this);
            children.forEach(child -> child.flatten(out));
        }
    }

    private static AttributeList record(String type) throws DicomException {
        AttributeList r = new AttributeList();
        putLong(r, TagFromName.OffsetOfTheNextDirectoryRecord, 0);
        putShort(r, TagFromName.RecordInUseFlag, RECORD_IN_USE);
        putLong(r, TagFromName.OffsetOfReferencedLowerLevelDirectoryEntity, 0);
        put(r, new CodeStringAttribute(TagFromName.DirectoryRecordType), type);
        return r;
    }

    private static AttributeList patientRecord(Patient p) throws DicomException {
        AttributeList r = record("PATIENT");
        SpecificCharacterSet text = characterSet(r, p.name(), p.id());
        put(r, new PersonNameAttribute(TagFromName.PatientName, text), p.name());
        put(r, new LongStringAttribute(TagFromName.PatientID, text), p.id());
        put(r, new DateAttribute(TagFromName.PatientBirthDate), p.birthDate());
        put(r, new CodeStringAttribute(TagFromName.PatientSex), p.sex());
        return r;
    }

    private static AttributeList studyRecord(Study s) throws DicomException {
        AttributeList r = record("STUDY");
        SpecificCharacterSet text = characterSet(r, s.description(), s.studyId(), s.accessionNumber());
        put(r, new DateAttribute(TagFromName.StudyDate), s.date());
        put(r, new TimeAttribute(TagFromName.StudyTime), s.time());
        put(r, new LongStringAttribute(TagFromName.StudyDescription, text), s.description());
        put(r, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), s.studyUid());
        // type 1 here though type 2 in the files: a study without one is the file set's first (and only) study
        put(r, new ShortStringAttribute(TagFromName.StudyID, text), present(s.studyId()) ? s.studyId() : "1");
        put(r, new ShortStringAttribute(TagFromName.AccessionNumber, text), s.accessionNumber());
        return r;
    }

    /**
     * Modality, Series Number and Instance Number are type 1 in the directory even where the file leaves them empty:
     * a missing modality follows from the kind of object (OT for an image), a missing number is the next free one.
     */
    private static AttributeList seriesRecord(Entry e, int number) throws DicomException {
        AttributeList r = record("SERIES");
        put(r, new CodeStringAttribute(TagFromName.Modality),
                present(e.modality()) ? e.modality() : DirectoryRecords.defaultModality(e.sopClassUid()));
        put(r, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), e.seriesUid());
        put(r, new IntegerStringAttribute(TagFromName.SeriesNumber), Integer.toString(number));
        return r;
    }

    /** The record of the object's kind (IMAGE, SR DOCUMENT, ENCAP DOC, PRESENTATION, ...) with its keys. */
    private static AttributeList instanceRecord(Entry e, int number, Study study) throws DicomException {
        DirectoryRecords.Kind kind = DirectoryRecords.kind(e.sopClassUid());
        AttributeList r = record(kind.recordType());
        CodeStringAttribute fileId = new CodeStringAttribute(TagFromName.ReferencedFileID);
        for (String component : e.fileId()) {
            fileId.addValue(component);
        }
        r.put(fileId);
        put(r, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUIDInFile), e.sopClassUid());
        put(r, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUIDInFile), e.sopInstanceUid());
        put(r, new UniqueIdentifierAttribute(TagFromName.ReferencedTransferSyntaxUIDInFile), e.transferSyntaxUid());
        put(r, new IntegerStringAttribute(TagFromName.InstanceNumber), Integer.toString(number));
        DirectoryRecords.addKeys(r, kind, e.sopClassUid(), e.keys(), study.date(), study.time());
        return r;
    }

    /**
     * The character set of a record's text: the default repertoire where every value is ASCII (no Specific Character
     * Set, as most media carry), else UTF-8, named in the record itself (0008,0005 is type 1C in every record whose
     * keys use more than the default). The index holds the values decoded, so nothing of a name is lost to '?'.
     */
    private static SpecificCharacterSet characterSet(AttributeList record, String... values) throws DicomException {
        for (String value : values) {
            if (value != null && !StandardCharsets.US_ASCII.newEncoder().canEncode(value)) {
                put(record, new CodeStringAttribute(TagFromName.SpecificCharacterSet), UTF_8_TERM);
                return new SpecificCharacterSet(new String[]{UTF_8_TERM});
            }
        }
        return null;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** Adds the attribute; an empty value is kept as an empty (type 2) attribute. */
    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        String v = Objects.requireNonNullElse(value, "");
        if (!v.isEmpty()) {
            a.addValue(v);
        }
        list.put(a);
    }

    private static void putLong(AttributeList list, AttributeTag tag, long value) throws DicomException {
        UnsignedLongAttribute a = new UnsignedLongAttribute(tag);
        a.addValue(value);
        list.put(a);
    }

    private static void putShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute a = new UnsignedShortAttribute(tag);
        a.addValue(value);
        list.put(a);
    }

    /** A UID the portal mints (the DICOMDIR's own instance UID): 2.25 and a random UUID as an integer. */
    private static String freshUid() {
        UUID u = UUID.randomUUID();
        byte[] bits = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
        return "2.25." + new BigInteger(1, bits);
    }
}
