package org.imageportal.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * A DICOM structured report (basic text, enhanced, comprehensive and the other SR classes) as lines of readable text:
 * a bounded walk of its content tree, depth first, each content item one line with the meaning of its concept name
 * and its value (CONTAINER as a heading, TEXT, CODE, NUM with its units, DATE, TIME, DATETIME, PNAME, UIDREF, and
 * IMAGE or COMPOSITE references by SOP Instance UID, for the caller to name). Values stay in their DICOM form (dates
 * as YYYYMMDD, names with carets) for the page to format. The walk stops at {@link #MAX_DEPTH} levels and
 * {@link #MAX_ITEMS} items, and long texts are cut at {@link #MAX_TEXT} characters, so a hostile report cannot make
 * a page without end.
 */
public final class ReportText {

    static final int MAX_DEPTH = 24;
    static final int MAX_ITEMS = 5_000;
    static final int MAX_TEXT = 20_000;

    /** The kind of a line, after the content item's value type. */
    public enum Kind {
        HEADING, TEXT, CODE, NUM, DATE, TIME, DATETIME, PNAME, UIDREF, IMAGE, COMPOSITE, REFERENCE, OTHER
    }

    /**
     * One content item: its depth below the root (0 for the root's children), kind, concept name (may be empty),
     * value as text, the referenced SOP Instance UID (IMAGE, COMPOSITE) and frame numbers (may be empty).
     */
    public record Line(int depth, Kind kind, String label, String value, String referencedSop, List<Integer> frames) {
    }

    /**
     * The report: its title (the root's concept name), completion and verification flags, content date and time,
     * the verifying observers' names, the lines, and whether the walk stopped at its bounds.
     */
    public record Report(String title, String completion, String verification, String contentDate, String contentTime,
            List<String> verifiers, List<Line> lines, boolean truncated) {
    }

    private ReportText() {
    }

    /** Whether the SOP class is a structured report whose content tree this reads. */
    public static boolean isStructuredReport(String sopClassUid) {
        return DirectoryRecords.kind(sopClassUid).recordType().equals("SR DOCUMENT");
    }

    /**
     * Reads the report from a Part 10 file, at most {@code maxBytes} of it held in memory.
     *
     * @throws DicomRejection not a structured report this reader accepts
     */
    public static Report read(InputStream part10, int maxBytes) throws DicomRejection, IOException {
        Part10Instance instance = Part10Reader.open(part10, new Part10Reader.Limits(maxBytes, maxBytes));
        if (!isStructuredReport(instance.header().sopClassUid())) {
            throw new DicomRejection(DicomRejection.Reason.NOT_DICOM, "not a structured report");
        }
        return of(instance.attributes());
    }

    static Report of(AttributeList root) {
        List<Line> lines = new ArrayList<>();
        boolean[] truncated = {false};
        walk(root, 0, lines, truncated);
        List<String> verifiers = new ArrayList<>();
        if (root.get(TagFromName.VerifyingObserverSequence) instanceof SequenceAttribute observers) {
            for (int i = 0; i < Math.min(observers.getNumberOfItems(), 20); i++) {
                String name = string(observers.getItem(i).getAttributeList(), TagFromName.VerifyingObserverName);
                if (!name.isEmpty()) {
                    verifiers.add(name);
                }
            }
        }
        return new Report(meaning(root, TagFromName.ConceptNameCodeSequence),
                string(root, TagFromName.CompletionFlag), string(root, TagFromName.VerificationFlag),
                string(root, TagFromName.ContentDate), string(root, TagFromName.ContentTime), verifiers, lines,
                truncated[0]);
    }

    private static void walk(AttributeList parent, int depth, List<Line> lines, boolean[] truncated) {
        if (!(parent.get(TagFromName.ContentSequence) instanceof SequenceAttribute content)) {
            return;
        }
        if (depth >= MAX_DEPTH) {
            truncated[0] = true;
            return;
        }
        for (int i = 0; i < content.getNumberOfItems(); i++) {
            if (lines.size() >= MAX_ITEMS) {
                truncated[0] = true;
                return;
            }
            AttributeList item = content.getItem(i).getAttributeList();
            lines.add(line(item, depth));
            walk(item, depth + 1, lines, truncated);
        }
    }

    private static Line line(AttributeList item, int depth) {
        String label = meaning(item, TagFromName.ConceptNameCodeSequence);
        if (item.get(TagFromName.ReferencedContentItemIdentifier) != null) {
            return new Line(depth, Kind.REFERENCE, relationship(item), "", "", List.of());
        }
        String type = string(item, TagFromName.ValueType);
        return switch (type) {
            case "CONTAINER" -> new Line(depth, Kind.HEADING, label, "", "", List.of());
            case "TEXT" -> simple(depth, Kind.TEXT, label, cut(string(item, TagFromName.TextValue)));
            case "CODE" -> simple(depth, Kind.CODE, label, meaning(item, TagFromName.ConceptCodeSequence));
            case "NUM" -> simple(depth, Kind.NUM, label, measurement(item));
            case "DATE" -> simple(depth, Kind.DATE, label, string(item, TagFromName.Date));
            case "TIME" -> simple(depth, Kind.TIME, label, string(item, TagFromName.Time));
            case "DATETIME" -> simple(depth, Kind.DATETIME, label, string(item, TagFromName.DateTime));
            case "PNAME" -> simple(depth, Kind.PNAME, label, string(item, TagFromName.PersonName));
            case "UIDREF" -> simple(depth, Kind.UIDREF, label, string(item, TagFromName.UID));
            case "IMAGE", "COMPOSITE" -> reference(item, depth, type.equals("IMAGE") ? Kind.IMAGE : Kind.COMPOSITE,
                    label);
            default -> simple(depth, Kind.OTHER, label, type.toLowerCase(java.util.Locale.ROOT).strip());
        };
    }

    private static Line simple(int depth, Kind kind, String label, String value) {
        return new Line(depth, kind, label, value, "", List.of());
    }

    private static Line reference(AttributeList item, int depth, Kind kind, String label) {
        String sop = "";
        List<Integer> frames = new ArrayList<>();
        if (item.get(TagFromName.ReferencedSOPSequence) instanceof SequenceAttribute refs
                && refs.getNumberOfItems() > 0) {
            AttributeList ref = refs.getItem(0).getAttributeList();
            sop = string(ref, TagFromName.ReferencedSOPInstanceUID);
            Attribute frameNumbers = ref.get(TagFromName.ReferencedFrameNumber);
            if (frameNumbers != null) {
                try {
                    int[] values = frameNumbers.getIntegerValues();
                    for (int k = 0; k < Math.min(values.length, 100); k++) {
                        frames.add(values[k]);
                    }
                } catch (com.pixelmed.dicom.DicomException e) {
                    // frame numbers that are not numbers are left out
                }
            }
        }
        return new Line(depth, kind, label, "", sop, List.copyOf(frames));
    }

    /** "4.5 mm": the value and its UCUM unit (the unit's meaning for other schemes; nothing for "no units"). */
    private static String measurement(AttributeList item) {
        if (!(item.get(TagFromName.MeasuredValueSequence) instanceof SequenceAttribute values)
                || values.getNumberOfItems() == 0) {
            return "";
        }
        AttributeList value = values.getItem(0).getAttributeList();
        String number = string(value, TagFromName.NumericValue);
        String unit = "";
        if (value.get(TagFromName.MeasurementUnitsCodeSequence) instanceof SequenceAttribute units
                && units.getNumberOfItems() > 0) {
            AttributeList code = units.getItem(0).getAttributeList();
            String scheme = string(code, TagFromName.CodingSchemeDesignator);
            String codeValue = string(code, TagFromName.CodeValue);
            unit = scheme.equals("UCUM")
                    ? (codeValue.equals("1") ? "" : codeValue)
                    : string(code, TagFromName.CodeMeaning);
        }
        return unit.isEmpty() ? number : number + " " + unit;
    }

    private static String relationship(AttributeList item) {
        return string(item, TagFromName.RelationshipType).toLowerCase(java.util.Locale.ROOT);
    }

    /** The code meaning of the first item of a code sequence, or empty. */
    private static String meaning(AttributeList list, AttributeTag sequence) {
        if (list.get(sequence) instanceof SequenceAttribute codes && codes.getNumberOfItems() > 0) {
            return string(codes.getItem(0).getAttributeList(), TagFromName.CodeMeaning);
        }
        return "";
    }

    private static String string(AttributeList list, AttributeTag tag) {
        Attribute a = list.get(tag);
        if (a == null) {
            return "";
        }
        try {
            String[] values = a.getStringValues();
            return values == null ? "" : String.join("\\", values).strip();
        } catch (com.pixelmed.dicom.DicomException e) {
            return "";
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + " …";
    }
}
