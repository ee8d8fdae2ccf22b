package org.imageportal.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;

/**
 * Which directory record references an instance of a given SOP class, and the keys that record carries (PS3.3
 * Annex F.5). Image storage classes get an IMAGE record, whose only key the index holds; every other kind of object
 * (structured reports, key object selections, presentation states, encapsulated documents, RT objects, waveforms,
 * registrations...) gets its own record type, whose keys are copied from the file itself. A SOP class this table does
 * not name is taken for an image: the standard's non-image storage classes are all named here.
 */
public final class DirectoryRecords {

    /** Type 1 (a value is required), 2 (present, may be empty) or 1C (copied when the file has it). */
    private enum Type {
        ONE, TWO, CONDITIONAL
    }

    private record Key(AttributeTag tag, Type type) {
    }

    /** A record type, the modality an unnamed series of it gets, and its keys after Instance Number. */
    record Kind(String recordType, String modality, List<Key> keys) {

        boolean image() {
            return recordType.equals("IMAGE");
        }
    }

    private static final Kind IMAGE = new Kind("IMAGE", "OT", List.of());

    private static final List<Key> CONTENT_LABELLED = List.of(key(TagFromName.ContentDate, Type.ONE),
            key(TagFromName.ContentTime, Type.ONE), key(TagFromName.ContentLabel, Type.ONE),
            key(TagFromName.ContentDescription, Type.TWO), key(TagFromName.ContentCreatorName, Type.TWO));

    private static final Kind SR = new Kind("SR DOCUMENT", "SR", List.of(key(TagFromName.CompletionFlag, Type.ONE),
            key(TagFromName.VerificationFlag, Type.ONE), key(TagFromName.ContentDate, Type.ONE),
            key(TagFromName.ContentTime, Type.ONE), key(TagFromName.VerificationDateTime, Type.CONDITIONAL),
            key(TagFromName.ConceptNameCodeSequence, Type.ONE), key(TagFromName.ContentSequence, Type.CONDITIONAL)));

    private static final Kind KEY_OBJECT = new Kind("KEY OBJECT DOC", "KO", List.of(
            key(TagFromName.ContentDate, Type.ONE), key(TagFromName.ContentTime, Type.ONE),
            key(TagFromName.ConceptNameCodeSequence, Type.ONE), key(TagFromName.ContentSequence, Type.CONDITIONAL)));

    private static final Kind PRESENTATION = new Kind("PRESENTATION", "PR", List.of(
            key(TagFromName.ReferencedSeriesSequence, Type.CONDITIONAL), key(TagFromName.ContentLabel, Type.ONE),
            key(TagFromName.ContentDescription, Type.TWO), key(TagFromName.PresentationCreationDate, Type.ONE),
            key(TagFromName.PresentationCreationTime, Type.ONE), key(TagFromName.ContentCreatorName, Type.TWO),
            key(TagFromName.BlendingSequence, Type.CONDITIONAL)));

    private static final List<Key> DOCUMENT_KEYS = List.of(key(TagFromName.ContentDate, Type.TWO),
            key(TagFromName.ContentTime, Type.TWO), key(TagFromName.DocumentTitle, Type.TWO),
            key(TagFromName.HL7InstanceIdentifier, Type.CONDITIONAL),
            key(TagFromName.ConceptNameCodeSequence, Type.TWO),
            key(TagFromName.MIMETypeOfEncapsulatedDocument, Type.ONE));

    private static final String STORAGE = "1.2.840.10008.5.1.4.1.1.";

    /** The non-image storage SOP classes by UID (below 1.2.840.10008.5.1.4.1.1.), each with its record. */
    private static final Map<String, Kind> NON_IMAGE = Map.ofEntries(
            Map.entry("88.59", KEY_OBJECT),
            Map.entry("104.1", new Kind("ENCAP DOC", "DOC", DOCUMENT_KEYS)),
            Map.entry("104.2", new Kind("ENCAP DOC", "DOC", DOCUMENT_KEYS)),
            Map.entry("104.3", new Kind("ENCAP DOC", "M3D", DOCUMENT_KEYS)),
            Map.entry("104.4", new Kind("ENCAP DOC", "M3D", DOCUMENT_KEYS)),
            Map.entry("104.5", new Kind("ENCAP DOC", "M3D", DOCUMENT_KEYS)),
            Map.entry("481.2", new Kind("RT DOSE", "RTDOSE", List.of(key(TagFromName.DoseSummationType, Type.ONE)))),
            Map.entry("481.3", new Kind("RT STRUCTURE SET", "RTSTRUCT", List.of(
                    key(TagFromName.StructureSetLabel, Type.ONE), key(TagFromName.StructureSetDate, Type.TWO),
                    key(TagFromName.StructureSetTime, Type.TWO)))),
            Map.entry("481.5", rtPlan()), Map.entry("481.8", rtPlan()),
            Map.entry("481.4", rtRecord()), Map.entry("481.6", rtRecord()), Map.entry("481.7", rtRecord()),
            Map.entry("481.9", rtRecord()),
            Map.entry("66.1", new Kind("REGISTRATION", "REG", CONTENT_LABELLED)),
            Map.entry("66.3", new Kind("REGISTRATION", "REG", CONTENT_LABELLED)),
            Map.entry("66.2", new Kind("FIDUCIAL", "FID", CONTENT_LABELLED)),
            Map.entry("66.5", new Kind("SURFACE", "SEG", CONTENT_LABELLED)),
            Map.entry("67", new Kind("VALUE MAP", "RWV", CONTENT_LABELLED)),
            Map.entry("66", new Kind("RAW DATA", "OT", List.of(key(TagFromName.ContentDate, Type.ONE),
                    key(TagFromName.ContentTime, Type.ONE)))));

    /** Waveforms (ECG, audio, pressure, ...) all live under this branch. */
    private static final String WAVEFORMS = STORAGE + "9.";
    private static final Kind WAVEFORM = new Kind("WAVEFORM", "ECG", List.of(key(TagFromName.ContentDate, Type.ONE),
            key(TagFromName.ContentTime, Type.ONE)));
    /** Spectacle prescription and macular grid reports are structured reports outside the 88 branch. */
    private static final List<String> OTHER_SR = List.of(STORAGE + "78.6", STORAGE + "79.1");

    private DirectoryRecords() {
    }

    private static Key key(AttributeTag tag, Type type) {
        return new Key(tag, type);
    }

    private static Kind rtPlan() {
        return new Kind("RT PLAN", "RTPLAN", List.of(key(TagFromName.RTPlanLabel, Type.ONE),
                key(TagFromName.RTPlanDate, Type.TWO), key(TagFromName.RTPlanTime, Type.TWO)));
    }

    private static Kind rtRecord() {
        return new Kind("RT TREAT RECORD", "RTRECORD", List.of(key(TagFromName.TreatmentDate, Type.TWO),
                key(TagFromName.TreatmentTime, Type.TWO)));
    }

    /** The record an instance of the SOP class is referenced by. */
    static Kind kind(String sopClassUid) {
        if (sopClassUid.startsWith(STORAGE)) {
            String tail = sopClassUid.substring(STORAGE.length());
            Kind named = NON_IMAGE.get(tail);
            if (named != null) {
                return named;
            }
            if (tail.startsWith("88.")) {
                return SR;
            }
            if (tail.startsWith("11.")) {
                return PRESENTATION;
            }
        }
        if (OTHER_SR.contains(sopClassUid)) {
            return SR;
        }
        return sopClassUid.startsWith(WAVEFORMS) ? WAVEFORM : IMAGE;
    }

    /** The directory record type of the SOP class (IMAGE, SR DOCUMENT, ENCAP DOC, ...). */
    public static String recordType(String sopClassUid) {
        return kind(sopClassUid).recordType();
    }

    /** Whether the record of this SOP class carries keys that only the file itself holds (every non-IMAGE one). */
    public static boolean needsFileKeys(String sopClassUid) {
        return !kind(sopClassUid).image();
    }

    /** The modality of a series whose files leave it empty, as the kind of its first object implies. */
    static String defaultModality(String sopClassUid) {
        return kind(sopClassUid).modality();
    }

    /** The keys of an instance as its file states them: opaque, to hand to {@link MediaDirectory.Entry}. */
    public static final class FileKeys {

        final AttributeList attributes;

        FileKeys(AttributeList attributes) {
            this.attributes = attributes;
        }
    }

    /**
     * Reads the keys from a Part 10 file (its header, at most {@code maxHeaderBytes} held in memory); empty if it is
     * not a file this reader accepts, so that the record falls back to what can be derived.
     */
    public static Optional<FileKeys> read(InputStream part10, int maxHeaderBytes) throws IOException {
        try {
            Part10Instance instance = Part10Reader.open(part10, new Part10Reader.Limits(Long.MAX_VALUE,
                    maxHeaderBytes));
            return Optional.of(new FileKeys(instance.attributes()));
        } catch (DicomRejection e) {
            return Optional.empty();
        }
    }

    /**
     * Adds the keys of the record's kind to {@code record}: copied from the file where it has them, dates and times
     * of type 1 falling back to the instance's creation, its series' and then its study's, flags to their most
     * cautious value (PARTIAL, UNVERIFIED) and labels to a neutral one, the MIME type following from the class.
     */
    static void addKeys(AttributeList record, Kind kind, String sopClassUid, FileKeys file, String studyDate,
            String studyTime) throws DicomException {
        AttributeList source = file == null ? new AttributeList() : file.attributes;
        for (Key key : kind.keys()) {
            AttributeTag tag = key.tag();
            Attribute found = source.get(tag);
            boolean empty = found == null || (!(found instanceof SequenceAttribute) && found.getVM() == 0)
                    || (found instanceof SequenceAttribute s && s.getNumberOfItems() == 0);
            if (tag.equals(TagFromName.ContentSequence)) {
                conceptModifiers(source).ifPresent(record::put);
            } else if (tag.equals(TagFromName.VerificationDateTime)) {
                verificationDateTime(source).ifPresent(record::put);
            } else if (!empty) {
                record.put(found);
            } else if (key.type() == Type.TWO || key.type() == Type.ONE) {
                Attribute derived = derived(tag, sopClassUid, source, studyDate, studyTime);
                if (derived != null) {
                    record.put(derived);
                } else if (key.type() == Type.TWO || found != null) {
                    record.put(found != null ? found : emptyOf(tag));
                }
            }
        }
        Attribute charset = source.get(TagFromName.SpecificCharacterSet);
        if (charset != null && charset.getVM() > 0 && kind.keys().size() > 0) {
            record.put(charset);
        }
    }

    /** A value for a key the file leaves empty, where the standard leaves one to take; null where it does not. */
    private static Attribute derived(AttributeTag tag, String sopClassUid, AttributeList source, String studyDate,
            String studyTime) throws DicomException {
        String value = null;
        if (tag.equals(TagFromName.ContentDate) || tag.equals(TagFromName.PresentationCreationDate)) {
            value = first(source, studyDate, TagFromName.ContentDate, TagFromName.InstanceCreationDate,
                    TagFromName.SeriesDate);
        } else if (tag.equals(TagFromName.ContentTime) || tag.equals(TagFromName.PresentationCreationTime)) {
            value = first(source, studyTime, TagFromName.ContentTime, TagFromName.InstanceCreationTime,
                    TagFromName.SeriesTime);
        } else if (tag.equals(TagFromName.CompletionFlag)) {
            value = "PARTIAL";
        } else if (tag.equals(TagFromName.VerificationFlag)) {
            value = "UNVERIFIED";
        } else if (tag.equals(TagFromName.ContentLabel) || tag.equals(TagFromName.StructureSetLabel)
                || tag.equals(TagFromName.RTPlanLabel)) {
            value = "UNLABELED";
        } else if (tag.equals(TagFromName.MIMETypeOfEncapsulatedDocument)) {
            value = switch (sopClassUid.substring(sopClassUid.lastIndexOf('.') + 1)) {
                case "1" -> "application/pdf";
                case "2" -> "text/XML";
                case "3" -> "model/stl";
                case "4" -> "model/obj";
                default -> "model/mtl";
            };
        }
        if (value == null || value.isEmpty()) {
            return null;
        }
        Attribute a = emptyOf(tag);
        a.addValue(value);
        return a;
    }

    private static String first(AttributeList source, String fallback, AttributeTag... tags) {
        for (AttributeTag tag : tags) {
            String v = Attribute.getSingleStringValueOrEmptyString(source, tag).trim();
            if (!v.isEmpty()) {
                return v;
            }
        }
        return fallback == null ? "" : fallback.trim();
    }

    private static Attribute emptyOf(AttributeTag tag) throws DicomException {
        return com.pixelmed.dicom.AttributeFactory.newAttribute(tag);
    }

    /** The verification time of the last verifying observer, required when the document is verified. */
    private static Optional<Attribute> verificationDateTime(AttributeList source) {
        if (!"VERIFIED".equals(Attribute.getSingleStringValueOrEmptyString(source, TagFromName.VerificationFlag)
                .trim())) {
            return Optional.empty();
        }
        if (source.get(TagFromName.VerifyingObserverSequence) instanceof SequenceAttribute observers
                && observers.getNumberOfItems() > 0) {
            Attribute at = observers.getItem(observers.getNumberOfItems() - 1).getAttributeList()
                    .get(TagFromName.VerificationDateTime);
            if (at != null && at.getVM() > 0) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /** The document title's modifiers (the root's HAS CONCEPT MOD children), the only content a record repeats. */
    private static Optional<Attribute> conceptModifiers(AttributeList source) {
        if (!(source.get(TagFromName.ContentSequence) instanceof SequenceAttribute content)) {
            return Optional.empty();
        }
        SequenceAttribute modifiers = new SequenceAttribute(TagFromName.ContentSequence);
        for (int i = 0; i < content.getNumberOfItems(); i++) {
            SequenceItem item = content.getItem(i);
            if ("HAS CONCEPT MOD".equals(Attribute.getSingleStringValueOrEmptyString(item.getAttributeList(),
                    TagFromName.RelationshipType).trim())) {
                modifiers.addItem(item);
            }
        }
        return modifiers.getNumberOfItems() == 0 ? Optional.empty() : Optional.of(modifiers);
    }
}
