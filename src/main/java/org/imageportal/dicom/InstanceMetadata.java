package org.imageportal.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;

/**
 * An instance's DICOM JSON object (PS3.18 F.2) without its pixel data element, and the pixel data's value
 * representation. The pixel data (7FE0,0010) is the last element of every header, so the object is completed at
 * retrieval time with a BulkDataURI under whichever root the caller is served from (an account's or a share
 * link's). Made once at ingest and kept (encrypted) with the instance's index row, so that metadata is answered
 * without reading and parsing images; {@link #bytes()} and {@link #of(byte[])} are its stored form.
 */
public final class InstanceMetadata {

    private static final String NO_PIXEL_DATA = "--";
    private static final Pattern TAG = Pattern.compile("[0-9A-F]{8}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] object;
    private final String pixelDataVr;

    InstanceMetadata(byte[] object, String pixelDataVr) {
        if (object.length < 2 || object[0] != '{' || object[object.length - 1] != '}') {
            throw new IllegalArgumentException("not a JSON object");
        }
        this.object = object;
        this.pixelDataVr = pixelDataVr;
    }

    /** The stored form: the pixel data's value representation (or "--") in two ASCII bytes, then the object. */
    public byte[] bytes() {
        byte[] out = new byte[2 + object.length];
        byte[] vr = (pixelDataVr == null ? NO_PIXEL_DATA : pixelDataVr).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(vr, 0, out, 0, 2);
        System.arraycopy(object, 0, out, 2, object.length);
        return out;
    }

    /** Reads the stored form back. */
    public static InstanceMetadata of(byte[] stored) {
        if (stored.length < 4) {
            throw new IllegalArgumentException("stored metadata too short");
        }
        String vr = new String(stored, 0, 2, StandardCharsets.US_ASCII);
        if (!vr.equals(NO_PIXEL_DATA) && !vr.matches("O[BDFLVW]|UN")) {
            throw new IllegalArgumentException("stored metadata names no pixel data representation");
        }
        return new InstanceMetadata(Arrays.copyOfRange(stored, 2, stored.length),
                vr.equals(NO_PIXEL_DATA) ? null : vr);
    }

    /** Writes the complete JSON object, the pixel data (if any) as {@code pixelDataUri}. */
    public void writeTo(OutputStream out, String pixelDataUri) throws IOException {
        if (pixelDataVr == null) {
            out.write(object);
            return;
        }
        boolean empty = object.length == 2;
        out.write(object, 0, object.length - 1);
        out.write(((empty ? "" : ",") + "\"7FE00010\":{\"vr\":\"" + pixelDataVr + "\",\"BulkDataURI\":\"")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(JsonStringEncoder.getInstance().quoteAsUTF8(pixelDataUri));
        out.write("\"}}".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The tag (eight upper-case hex digits) a QIDO-RS {@code includefield} names, given as a tag or as a keyword of
     * the standard's dictionary; empty for anything else.
     */
    public static Optional<String> tagOf(String keywordOrTag) {
        String upper = keywordOrTag.strip().toUpperCase(Locale.ROOT);
        if (TAG.matcher(upper).matches()) {
            return Optional.of(upper);
        }
        AttributeTag tag = keywordOrTag.length() <= 64
                ? AttributeList.getDictionary().getTagFromName(keywordOrTag.strip())
                : null;
        return tag == null
                ? Optional.empty()
                : Optional.of(String.format("%04X%04X", tag.getGroup(), tag.getElement()));
    }

    /**
     * Top-level attributes of the object as DICOM JSON entries by tag, for a QIDO-RS answer that asks for more than
     * its default return keys: the tags named, or with {@code all} every attribute but private ones, the patient's
     * (group 0010, answered at study level) and binary values (never part of a search answer).
     */
    public Map<String, Object> returnAttributes(Set<String> tags, boolean all) throws IOException {
        Map<String, Object> parsed = JSON.readValue(object, new TypeReference<LinkedHashMap<String, Object>>() {
        });
        Map<String, Object> out = new LinkedHashMap<>();
        parsed.forEach((tag, value) -> {
            if (wanted(tag, tags, all) && value instanceof Map<?, ?> entry && !entry.containsKey("InlineBinary")
                    && !entry.containsKey("BulkDataURI")) {
                out.put(tag, value);
            }
        });
        return out;
    }

    private static boolean wanted(String tag, Set<String> tags, boolean all) {
        if (tags.contains(tag)) {
            return true;
        }
        if (!all || !TAG.matcher(tag).matches()) {
            return false;
        }
        int group = Integer.parseInt(tag.substring(0, 4), 16);
        return group % 2 == 0 && group != 0x0010 && group != 0x0002;
    }
}
