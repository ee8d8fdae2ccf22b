package org.imageportal.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A DIMSE command set (PS3.7 E.1): group 0000 in implicit VR little endian. Read with every length checked against
 * the bytes that are there (the toolkit would allocate what a length claims), written with only the elements a
 * response needs. Plain Java.
 */
record DimseCommand(Map<Integer, byte[]> elements) {

    static final int AFFECTED_SOP_CLASS = 0x0002;
    static final int COMMAND_FIELD = 0x0100;
    static final int MESSAGE_ID = 0x0110;
    static final int MESSAGE_ID_RESPONDED_TO = 0x0120;
    static final int DATA_SET_TYPE = 0x0800;
    static final int STATUS = 0x0900;
    static final int ERROR_COMMENT = 0x0902;
    static final int AFFECTED_SOP_INSTANCE = 0x1000;

    static final int C_STORE_RQ = 0x0001;
    static final int C_STORE_RSP = 0x8001;
    static final int C_ECHO_RQ = 0x0030;
    static final int C_ECHO_RSP = 0x8030;

    /** Command Data Set Type (0000,0800) when no data set follows. */
    static final int NO_DATA_SET = 0x0101;

    /** A command set that cannot be read. */
    static final class Invalid extends Exception {

        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static DimseCommand read(byte[] bytes) throws Invalid {
        Map<Integer, byte[]> elements = new HashMap<>();
        int at = 0;
        while (at < bytes.length) {
            if (bytes.length - at < 8) {
                throw new Invalid("a command element is cut off");
            }
            int group = uint16le(bytes, at);
            int element = uint16le(bytes, at + 2);
            long length = uint32le(bytes, at + 4);
            at += 8;
            if (group != 0 || length > bytes.length - at) {
                throw new Invalid("a command element is outside group 0000 or longer than the command");
            }
            byte[] value = new byte[(int) length];
            System.arraycopy(bytes, at, value, 0, value.length);
            elements.put(element, value);
            at += value.length;
        }
        return new DimseCommand(elements);
    }

    /** An unsigned short value, or -1 when the element is missing or not two bytes long. */
    int unsignedShort(int element) {
        byte[] value = elements.get(element);
        return value == null || value.length != 2 ? -1 : uint16le(value, 0);
    }

    /** A UID value without its padding, or "" when missing. */
    String uid(int element) {
        byte[] value = elements.get(element);
        if (value == null) {
            return "";
        }
        int end = value.length;
        while (end > 0 && (value[end - 1] == 0 || value[end - 1] == ' ')) {
            end--;
        }
        return new String(value, 0, end, StandardCharsets.US_ASCII);
    }

    /** Whether a data set follows the command. */
    boolean hasDataSet() {
        int type = unsignedShort(DATA_SET_TYPE);
        return type != -1 && type != NO_DATA_SET;
    }

    /** A response to {@code request}: command field, status and, for warnings and failures, an error comment. */
    static byte[] response(int commandField, DimseCommand request, int status, String comment) {
        Writer out = new Writer();
        out.text(AFFECTED_SOP_CLASS, request.uid(AFFECTED_SOP_CLASS), (byte) 0);
        out.unsignedShort(COMMAND_FIELD, commandField);
        out.unsignedShort(MESSAGE_ID_RESPONDED_TO, Math.max(0, request.unsignedShort(MESSAGE_ID)));
        out.unsignedShort(DATA_SET_TYPE, NO_DATA_SET);
        out.unsignedShort(STATUS, status);
        if (status != 0 && comment != null && !comment.isEmpty()) {
            String ascii = comment.replaceAll("[^\\x20-\\x7e]|\\\\", " ");
            out.text(ERROR_COMMENT, ascii.length() > 64 ? ascii.substring(0, 64) : ascii, (byte) ' ');
        }
        if (commandField == C_STORE_RSP) {
            out.text(AFFECTED_SOP_INSTANCE, request.uid(AFFECTED_SOP_INSTANCE), (byte) 0);
        }
        return out.withGroupLength();
    }

    /** Writes elements in ascending order (the callers above keep to it). */
    private static final class Writer {

        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        void unsignedShort(int element, int value) {
            header(element, 2);
            body.write(value & 0xff);
            body.write(value >> 8 & 0xff);
        }

        void text(int element, String value, byte pad) {
            byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            int length = bytes.length + (bytes.length & 1);
            header(element, length);
            body.writeBytes(bytes);
            if (length > bytes.length) {
                body.write(pad);
            }
        }

        private void header(int element, int length) {
            body.write(0);
            body.write(0);
            body.write(element & 0xff);
            body.write(element >> 8 & 0xff);
            for (int i = 0; i < 4; i++) {
                body.write(length >> 8 * i & 0xff);
            }
        }

        byte[] withGroupLength() {
            byte[] elements = body.toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream(elements.length + 12);
            out.writeBytes(new byte[]{0, 0, 0, 0, 4, 0, 0, 0});
            for (int i = 0; i < 4; i++) {
                out.write(elements.length >> 8 * i & 0xff);
            }
            out.writeBytes(elements);
            return out.toByteArray();
        }
    }

    private static int uint16le(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8;
    }

    private static long uint32le(byte[] b, int at) {
        return b[at] & 0xff | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (long) (b[at + 3] & 0xff) << 24;
    }
}
