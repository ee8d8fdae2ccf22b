package org.imageportal.dicom;

import java.io.IOException;
import java.util.Base64;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;

/** Writes data sets in the DICOM JSON model of PS3.18 Annex F.2, streaming, through Jackson. */
final class DicomJson {

    private static final Set<String> BINARY = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");
    private static final Set<String> INTEGERS = Set.of("US", "SS", "UL", "SL", "UV", "SV", "IS");
    private static final Set<String> DECIMALS = Set.of("FL", "FD", "DS");

    private DicomJson() {
    }

    /** The data set as one JSON object without its file meta information (the reader stops before pixel data). */
    static void writeDataSet(JsonGenerator json, AttributeList list) throws IOException {
        json.writeStartObject();
        for (Attribute attribute : list.values()) {
            AttributeTag tag = attribute.getTag();
            if (tag.isFileMetaInformationGroup() || tag.isGroupLength()) {
                continue;
            }
            writeAttribute(json, attribute);
        }
        json.writeEndObject();
    }

    static String key(AttributeTag tag) {
        return String.format("%04X%04X", tag.getGroup(), tag.getElement());
    }

    private static void writeAttribute(JsonGenerator json, Attribute attribute) throws IOException {
        String vr = attribute.getVRAsString();
        json.writeObjectFieldStart(key(attribute.getTag()));
        json.writeStringField("vr", vr);
        try {
            if (attribute instanceof SequenceAttribute sequence) {
                if (sequence.getNumberOfItems() > 0) {
                    json.writeArrayFieldStart("Value");
                    var items = sequence.iterator();
                    while (items.hasNext()) {
                        SequenceItem item = items.next();
                        writeDataSet(json, item.getAttributeList());
                    }
                    json.writeEndArray();
                }
            } else if (attribute instanceof com.pixelmed.dicom.AttributeTagAttribute tags) {
                // PS3.18 F.2.7: each tag as eight hex digits, group then element
                AttributeTag[] values = tags.getAttributeTagValues();
                if (values != null && values.length > 0) {
                    json.writeArrayFieldStart("Value");
                    for (AttributeTag tag : values) {
                        json.writeString(String.format("%04X%04X", tag.getGroup(), tag.getElement()));
                    }
                    json.writeEndArray();
                }
            } else if (BINARY.contains(vr)) {
                byte[] bytes = attribute.getVL() > 0 ? attribute.getByteValues(false) : null;
                if (bytes != null && bytes.length > 0) {
                    json.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(bytes));
                }
            } else {
                writeValues(json, vr, attribute.getStringValues());
            }
        } catch (DicomException | RuntimeException e) {
            // a value PixelMed cannot convert is left out rather than failing the whole response
        }
        json.writeEndObject();
    }

    private static void writeValues(JsonGenerator json, String vr, String[] values) throws IOException {
        if (values == null || values.length == 0) {
            return;
        }
        json.writeArrayFieldStart("Value");
        for (String raw : values) {
            String value = raw == null ? "" : raw.strip();
            if (value.isEmpty()) {
                json.writeNull();
            } else if ("PN".equals(vr)) {
                writePersonName(json, value);
            } else if ("AT".equals(vr)) {
                json.writeString(value.replaceAll("[^0-9A-Fa-f]", "").toUpperCase());
            } else if (INTEGERS.contains(vr)) {
                writeNumber(json, value, false);
            } else if (DECIMALS.contains(vr)) {
                writeNumber(json, value, true);
            } else {
                json.writeString(value);
            }
        }
        json.writeEndArray();
    }

    private static void writeNumber(JsonGenerator json, String value, boolean decimal) throws IOException {
        try {
            if (decimal) {
                json.writeNumber(new java.math.BigDecimal(value));
            } else {
                json.writeNumber(Long.parseLong(value.startsWith("+") ? value.substring(1) : value));
            }
        } catch (NumberFormatException e) {
            json.writeNull();
        }
    }

    private static void writePersonName(JsonGenerator json, String value) throws IOException {
        String[] groups = value.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        json.writeStartObject();
        for (int i = 0; i < Math.min(groups.length, names.length); i++) {
            if (!groups[i].isEmpty()) {
                json.writeStringField(names[i], groups[i]);
            }
        }
        json.writeEndObject();
    }
}
