package org.imageportal.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The A-ASSOCIATE-RQ PDU (PS3.8 9.3.2), read before the toolkit sees a byte of the connection: its length is bounded,
 * its type and item structure checked, so that the calling and called AE titles can be decided on and refused with an
 * A-ASSOCIATE-RJ of the portal's own. Plain Java.
 *
 * @param calledAeTitle the AE title the peer wants to reach (without padding)
 * @param callingAeTitle the AE title the peer claims (without padding)
 * @param pdu the whole PDU as read, to be handed on to the toolkit
 */
public record AssociateRequest(String calledAeTitle, String callingAeTitle, byte[] pdu) {

    /** The PDU type of an A-ASSOCIATE-RQ. */
    static final int TYPE = 0x01;

    /** Protocol version to the end of the 32 reserved bytes: where the variable items begin. */
    private static final int ITEMS = 68;

    private static final int APPLICATION_CONTEXT = 0x10;
    private static final int PRESENTATION_CONTEXT = 0x20;
    private static final int USER_INFORMATION = 0x50;

    /** The request could not be read; {@link #answer()} is the PDU to send before closing (A-ABORT or A-ASSOCIATE-RJ). */
    public static final class Malformed extends Exception {

        private static final long serialVersionUID = 1L;

        private final transient byte[] answer;

        Malformed(String message, byte[] answer) {
            super(message, null, false, false);
            this.answer = answer;
        }

        public byte[] answer() {
            return answer.clone();
        }
    }

    /** Why an association is refused, with the Result, Source and Reason of its A-ASSOCIATE-RJ (PS3.8 9.3.4). */
    public enum Rejection {

        /** Rejected permanent, by the service user: calling AE title not recognised. */
        CALLING_AE_NOT_RECOGNISED(1, 1, 3),
        /** Rejected permanent, by the service user: called AE title not recognised. */
        CALLED_AE_NOT_RECOGNISED(1, 1, 7),
        /** Rejected permanent, by the service user, no reason given (wrong address, wrong certificate). */
        NO_REASON_GIVEN(1, 1, 1),
        /** Rejected transient, by the service provider (presentation): local limit exceeded. */
        LOCAL_LIMIT_EXCEEDED(2, 3, 2);

        private final int result;
        private final int source;
        private final int reason;

        Rejection(int result, int source, int reason) {
            this.result = result;
            this.source = source;
            this.reason = reason;
        }

        /** The A-ASSOCIATE-RJ PDU. */
        public byte[] pdu() {
            return new byte[]{0x03, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason};
        }
    }

    /** An A-ABORT PDU (PS3.8 9.3.8) from the service provider (source 2) with the given reason. */
    static byte[] abort(int reason) {
        return new byte[]{0x07, 0, 0, 0, 0, 4, 0, 0, 2, (byte) reason};
    }

    /** A-ABORT reasons of the service provider. */
    static final int UNRECOGNISED_PDU = 1;
    static final int UNEXPECTED_PDU = 2;
    static final int INVALID_PARAMETER = 6;

    /**
     * Reads one A-ASSOCIATE-RQ of at most {@code maxLength} bytes (after its 6-byte header) from {@code in}.
     *
     * @throws Malformed the first PDU is not a well-formed A-ASSOCIATE-RQ
     * @throws IOException the connection failed or timed out
     */
    public static AssociateRequest read(InputStream in, int maxLength) throws IOException, Malformed {
        byte[] header = in.readNBytes(6);
        if (header.length < 6) {
            throw new Malformed("the connection closed before an association request", abort(UNEXPECTED_PDU));
        }
        if ((header[0] & 0xff) != TYPE) {
            throw new Malformed("the first PDU is not an association request", abort(UNEXPECTED_PDU));
        }
        long length = uint32(header, 2);
        if (length < ITEMS || length > maxLength) {
            throw new Malformed("the association request's length is out of bounds", abort(INVALID_PARAMETER));
        }
        byte[] pdu = new byte[6 + (int) length];
        System.arraycopy(header, 0, pdu, 0, 6);
        int read = in.readNBytes(pdu, 6, (int) length);
        if (read < length) {
            throw new Malformed("the association request is cut off", abort(INVALID_PARAMETER));
        }
        if ((uint16(pdu, 6) & 1) == 0) {
            // PS3.8 9.3.2: bit 0 is protocol version 1; anything else is a version we do not speak
            throw new Malformed("the association request has an unknown protocol version",
                    new byte[]{0x03, 0, 0, 0, 0, 4, 0, 1, 2, 2});
        }
        String called = aeTitle(pdu, 10);
        String calling = aeTitle(pdu, 26);
        if (called == null || calling == null) {
            throw new Malformed("an AE title in the association request is empty or not valid",
                    abort(INVALID_PARAMETER));
        }
        checkItems(pdu);
        return new AssociateRequest(called, calling, pdu);
    }

    /** Every variable item lies within the PDU; there is an application context and at least one presentation context. */
    private static void checkItems(byte[] pdu) throws Malformed {
        int at = 6 + ITEMS;
        boolean application = false;
        boolean presentation = false;
        while (at < pdu.length) {
            if (pdu.length - at < 4) {
                throw new Malformed("an item of the association request is cut off", abort(INVALID_PARAMETER));
            }
            int type = pdu[at] & 0xff;
            int length = uint16(pdu, at + 2);
            if (at + 4 + length > pdu.length) {
                throw new Malformed("an item of the association request is longer than the request",
                        abort(INVALID_PARAMETER));
            }
            switch (type) {
                case APPLICATION_CONTEXT -> application = true;
                case PRESENTATION_CONTEXT -> presentation = true;
                case USER_INFORMATION -> {
                }
                default -> throw new Malformed("the association request holds an unknown item",
                        abort(INVALID_PARAMETER));
            }
            at += 4 + length;
        }
        if (!application || !presentation) {
            throw new Malformed("the association request lacks an application or presentation context",
                    abort(INVALID_PARAMETER));
        }
    }

    /**
     * An AE title of 16 bytes (PS3.5 6.2, AE): leading and trailing spaces are not significant; null if it is empty or
     * holds a control character or backslash.
     */
    private static String aeTitle(byte[] pdu, int offset) {
        String title = new String(pdu, offset, 16, StandardCharsets.US_ASCII).strip();
        if (title.isEmpty()) {
            return null;
        }
        for (int i = 0; i < title.length(); i++) {
            char c = title.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '\\') {
                return null;
            }
        }
        return title;
    }

    /** Whether {@code title} is a valid AE title: 1-16 printable ASCII characters, no backslash, not padded. */
    public static boolean validAeTitle(String title) {
        if (title == null || title.isEmpty() || title.length() > 16 || !title.equals(title.strip())) {
            return false;
        }
        return title.chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != '\\');
    }

    static int uint16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    static long uint32(byte[] b, int at) {
        return (long) (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    @Override
    public String toString() {
        return "AssociateRequest[" + callingAeTitle + " -> " + calledAeTitle + "]";
    }
}
