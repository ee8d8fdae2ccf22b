package org.imageportal.dicom;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.regex.Pattern;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;

/**
 * Serves one association of a storage SCP (C-ECHO, and C-STORE for every storage SOP class) after the portal has
 * decided to accept it. The toolkit negotiates the presentation contexts and sends the responses; the portal reads
 * every PDU itself, each bounded by the maximum length it announced, so no length a peer sends is ever allocated
 * unchecked. A received data set is not buffered: the {@link Receiver} reads it as it arrives, behind file meta
 * information the portal writes, so the data set is stored exactly as the peer encoded it.
 */
public final class StorageAssociation {

    /** What happens to a received instance. */
    public interface Receiver {

        /** Stores one instance read from {@code part10} (to its end, or not) and says how it went. */
        Status store(InputStream part10);
    }

    /** A C-STORE response status (PS3.4 B.2.3) and, for warnings and failures, an error comment (no PHI). */
    public record Status(int code, String comment) {

        public static final Status SUCCESS = new Status(0, null);
    }

    /** The largest P-DATA-TF PDU the portal accepts (and announces) and the largest command set. */
    public record Limits(int maxPduLength, int maxCommandLength) {

        public Limits {
            if (maxPduLength < 4096 || maxCommandLength < 1024) {
                throw new IllegalArgumentException("a PDU holds at least 4 KiB, a command at least 1 KiB");
            }
        }
    }

    /** How an association ended. */
    public enum Ending {
        RELEASED, ABORTED_BY_PEER, CLOSED, IDLE, PROTOCOL_ERROR, NOT_NEGOTIATED
    }

    /** What an association did, for the log. */
    public record Summary(Ending ending, int echoes, int instances) {
    }

    private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
    private static final int P_DATA = 0x04;
    private static final int RELEASE_RQ = 0x05;
    private static final int ABORT = 0x07;
    private static final byte[] RELEASE_RP = {0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0};

    /** The end of the association, met while reading. */
    private static final class End extends IOException {

        private static final long serialVersionUID = 1L;

        private final Ending ending;

        End(Ending ending) {
            super(ending.name(), null);
            this.ending = ending;
        }
    }

    /** A peer that does not follow the protocol: the association is aborted with {@code reason}. */
    private static final class ProtocolError extends IOException {

        private static final long serialVersionUID = 1L;

        private final int reason;

        ProtocolError(String message, int reason) {
            super(message);
            this.reason = reason;
        }
    }

    private record Fragment(byte context, boolean command, boolean last, byte[] bytes, int offset, int length) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Association association;
    private final Limits limits;
    private final Receiver receiver;
    private final String callingAeTitle;
    private byte[] pdu;
    private int at;

    private StorageAssociation(Socket socket, Association association, Limits limits, Receiver receiver,
            String callingAeTitle) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.association = association;
        this.limits = limits;
        this.receiver = receiver;
        this.callingAeTitle = callingAeTitle;
    }

    /**
     * Accepts the association {@code request} (already read from {@code socket} and decided on) and serves it until
     * it is released, aborted or times out (the socket's read timeout). The caller closes the socket.
     */
    public static Summary serve(Socket socket, AssociateRequest request, Limits limits, Receiver receiver)
            throws IOException {
        ReplaySocket replay = new ReplaySocket(socket, request.pdu());
        Association association;
        try {
            association = AssociationFactory.createNewAssociation(replay, request.calledAeTitle(),
                    limits.maxPduLength(), AssociationFactory.getDefaultReceiveBufferSize(),
                    AssociationFactory.getDefaultSendBufferSize(), new StoragePresentationPolicy());
        } catch (DicomNetworkException e) {
            return new Summary(Ending.NOT_NEGOTIATED, 0, 0);
        }
        return new StorageAssociation(replay, association, limits, receiver, request.callingAeTitle()).run();
    }

    private Summary run() throws IOException {
        int echoes = 0;
        int instances = 0;
        try {
            while (true) {
                Fragment first = next();
                byte context = first.context();
                DimseCommand request = command(first);
                switch (request.unsignedShort(DimseCommand.COMMAND_FIELD)) {
                    case DimseCommand.C_ECHO_RQ -> {
                        send(context, DimseCommand.response(DimseCommand.C_ECHO_RSP, request, 0, null));
                        echoes++;
                    }
                    case DimseCommand.C_STORE_RQ -> {
                        if (!request.hasDataSet()) {
                            throw new ProtocolError("a C-STORE request without a data set",
                                    AssociateRequest.INVALID_PARAMETER);
                        }
                        Status status = store(context, request);
                        send(context, DimseCommand.response(DimseCommand.C_STORE_RSP, request, status.code(),
                                status.comment()));
                        instances++;
                    }
                    default -> throw new ProtocolError("an operation other than C-ECHO and C-STORE",
                            AssociateRequest.UNEXPECTED_PDU);
                }
            }
        } catch (End e) {
            return new Summary(e.ending, echoes, instances);
        } catch (ProtocolError e) {
            abort(e.reason);
            return new Summary(Ending.PROTOCOL_ERROR, echoes, instances);
        } catch (SocketTimeoutException e) {
            abort(0);
            return new Summary(Ending.IDLE, echoes, instances);
        }
    }

    /** The command set that begins with {@code first}, read to its last fragment and bounded in size. */
    private DimseCommand command(Fragment first) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        Fragment fragment = first;
        while (true) {
            if (!fragment.command() || fragment.context() != first.context()) {
                throw new ProtocolError("a data set where a command was expected", AssociateRequest.UNEXPECTED_PDU);
            }
            if (command.size() + fragment.length() > limits.maxCommandLength()) {
                throw new ProtocolError("a command set over the limit", AssociateRequest.INVALID_PARAMETER);
            }
            command.write(fragment.bytes(), fragment.offset(), fragment.length());
            if (fragment.last()) {
                break;
            }
            fragment = next();
        }
        try {
            return DimseCommand.read(command.toByteArray());
        } catch (DimseCommand.Invalid e) {
            throw new ProtocolError(e.getMessage(), AssociateRequest.INVALID_PARAMETER);
        }
    }

    private Status store(byte context, DimseCommand request) throws IOException {
        String transferSyntax;
        try {
            transferSyntax = association.getTransferSyntaxForPresentationContextID(context);
        } catch (DicomNetworkException e) {
            throw new ProtocolError("a presentation context that was not accepted", AssociateRequest.INVALID_PARAMETER);
        }
        DataSetStream dataSet = new DataSetStream(context);
        Status status;
        byte[] meta = metaInformation(request.uid(DimseCommand.AFFECTED_SOP_CLASS),
                request.uid(DimseCommand.AFFECTED_SOP_INSTANCE), transferSyntax);
        if (meta == null) {
            status = new Status(0xC000, "the request's SOP class or instance UID is not valid");
        } else {
            try {
                status = receiver.store(new SequenceInputStream(new ByteArrayInputStream(meta), dataSet));
            } catch (RuntimeException e) {
                status = new Status(0x0110, "the instance could not be stored; try again");
            }
        }
        // whatever the receiver read, the rest of the data set is read (and dropped) before the response
        dataSet.drain();
        return status;
    }

    /** Preamble, DICM and the file meta information (explicit VR little endian); null for an invalid UID. */
    private byte[] metaInformation(String sopClass, String sopInstance, String transferSyntax) {
        if (!validUid(sopClass) || !validUid(sopInstance)) {
            return null;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DicomOutputStream dicom = new DicomOutputStream(bytes, TransferSyntax.ExplicitVRLittleEndian, null);
            new FileMetaInformation(sopClass, sopInstance, transferSyntax, callingAeTitle).getAttributeList()
                    .write(dicom);
            dicom.flush();
            return bytes.toByteArray();
        } catch (DicomException | IOException e) {
            return null;
        }
    }

    private static boolean validUid(String uid) {
        return !uid.isEmpty() && uid.length() <= 64 && UID.matcher(uid).matches();
    }

    /**
     * The data set fragments of one C-STORE as a stream. A problem met while reading (the association ended, a
     * protocol error, a timeout) is kept and raised again by {@link #drain()}, whatever the reader made of it.
     */
    private final class DataSetStream extends InputStream {

        private final byte context;
        private Fragment fragment;
        private int position;
        private boolean ended;
        private IOException problem;

        DataSetStream(byte context) {
            this.context = context;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (fragment == null || position == fragment.length()) {
                if (ended) {
                    return -1;
                }
                advance();
            }
            int n = Math.min(length, fragment.length() - position);
            System.arraycopy(fragment.bytes(), fragment.offset() + position, target, offset, n);
            position += n;
            return n;
        }

        private void advance() throws IOException {
            if (problem != null) {
                throw problem;
            }
            try {
                Fragment next = next();
                if (next.command() || next.context() != context) {
                    throw new ProtocolError("a command inside a data set", AssociateRequest.UNEXPECTED_PDU);
                }
                fragment = next;
                position = 0;
                ended = next.last();
            } catch (IOException e) {
                problem = e;
                throw e;
            }
        }

        void drain() throws IOException {
            while (!ended) {
                advance();
            }
            fragment = null;
        }
    }

    /** The next presentation data value, reading P-DATA-TF PDUs as needed. */
    private Fragment next() throws IOException {
        while (pdu == null || at >= pdu.length) {
            pdu = readPData();
            at = 0;
        }
        if (pdu.length - at < 6) {
            throw new ProtocolError("a presentation data value is cut off", AssociateRequest.INVALID_PARAMETER);
        }
        long itemLength = AssociateRequest.uint32(pdu, at);
        if (itemLength < 2 || itemLength > pdu.length - at - 4) {
            throw new ProtocolError("a presentation data value is longer than its PDU",
                    AssociateRequest.INVALID_PARAMETER);
        }
        int header = pdu[at + 5];
        Fragment fragment = new Fragment(pdu[at + 4], (header & 1) != 0, (header & 2) != 0, pdu, at + 6,
                (int) itemLength - 2);
        at += 4 + (int) itemLength;
        return fragment;
    }

    private byte[] readPData() throws IOException {
        byte[] header = in.readNBytes(6);
        if (header.length < 6) {
            throw new End(Ending.CLOSED);
        }
        long length = AssociateRequest.uint32(header, 2);
        switch (header[0] & 0xff) {
            case P_DATA -> {
                if (length > limits.maxPduLength()) {
                    throw new ProtocolError("a PDU longer than the maximum announced",
                            AssociateRequest.INVALID_PARAMETER);
                }
                byte[] body = in.readNBytes((int) length);
                if (body.length < length) {
                    throw new End(Ending.CLOSED);
                }
                return body;
            }
            case RELEASE_RQ -> {
                if (length != 4 || in.readNBytes(4).length < 4) {
                    throw new ProtocolError("a malformed release request", AssociateRequest.INVALID_PARAMETER);
                }
                out.write(RELEASE_RP);
                out.flush();
                throw new End(Ending.RELEASED);
            }
            case ABORT -> throw new End(Ending.ABORTED_BY_PEER);
            case 0x01, 0x02, 0x03, 0x06 -> throw new ProtocolError("an unexpected PDU",
                    AssociateRequest.UNEXPECTED_PDU);
            default -> throw new ProtocolError("an unknown PDU type", AssociateRequest.UNRECOGNISED_PDU);
        }
    }

    private void send(byte context, byte[] command) throws IOException {
        try {
            association.send(context, command, null);
        } catch (DicomNetworkException e) {
            throw new End(Ending.CLOSED);
        }
    }

    private void abort(int reason) {
        try {
            out.write(AssociateRequest.abort(reason));
            out.flush();
        } catch (IOException e) {
            // the peer is gone already; the caller closes the socket
        }
    }

    @Override
    public String toString() {
        return "StorageAssociation[" + callingAeTitle + " at " + socket.getInetAddress().getHostAddress() + "]";
    }
}
