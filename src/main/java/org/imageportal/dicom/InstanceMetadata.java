package org.imageportal.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * An instance's DICOM JSON object (PS3.18 F.2) without its pixel data element, and the pixel data's value
 * representation. The pixel data (7FE0,0010) is the last element of every header, so the object is completed at
 * retrieval time with a BulkDataURI under whichever root the caller is served from (an account's or a share
 * link's). Made once at ingest and kept (encrypted) with the instance's index row, so that metadata is answered
 * without reading and parsing images; {@link #bytes()} and {@link #of(byte[])} are its stored form.
 */
public final class InstanceMetadata {

    private static final String NO_PIXEL_DATA = "--";

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
}
