package org.imageportal.dicom;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.pixelmed.dicom.AttributeList;

/**
 * One instance whose header has been read and checked. {@link #content()} streams the file exactly as received
 * (the captured header, then the rest of the source) while counting, hashing and checking that the pixel data is
 * complete; it can be consumed once.
 */
public final class Part10Instance {

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();
    private static final byte[] SEQUENCE_DELIMITER = {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};

    private final InstanceHeader header;
    private final AttributeList attributes;
    private final byte[] headerBytes;
    private final InputStream rest;
    private final Part10Reader.PixelData pixelData;
    private final ImageGeometry geometry;
    private final Part10Reader.Limits limits;
    private final MessageDigest digest;
    private long size = -1;
    private boolean consumed;

    Part10Instance(InstanceHeader header, AttributeList attributes, byte[] headerBytes, InputStream rest,
            Part10Reader.PixelData pixelData, ImageGeometry geometry, Part10Reader.Limits limits) {
        this.header = header;
        this.attributes = attributes;
        this.headerBytes = headerBytes;
        this.rest = rest;
        this.pixelData = pixelData;
        this.geometry = geometry;
        this.limits = limits;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public InstanceHeader header() {
        return header;
    }

    /** The whole file, once. Throws {@link DicomStreamException} at the point where it proves unacceptable. */
    public InputStream content() {
        if (consumed) {
            throw new IllegalStateException("the content of an instance can be read once");
        }
        consumed = true;
        return new ContentStream();
    }

    /** Size in bytes, known once {@link #content()} has been read to its end. */
    public long size() {
        if (size < 0) {
            throw new IllegalStateException("content not read to the end yet");
        }
        return size;
    }

    /** SHA-256 of the whole file, known once {@link #content()} has been read to its end. */
    public byte[] sha256() {
        if (size < 0) {
            throw new IllegalStateException("content not read to the end yet");
        }
        return digest.digest();
    }

    /** Native (uncompressed) pixel data: the bytes of one frame, the number of frames and the whole value's length. */
    public record NativeFrames(long frameBytes, int frames, long length) {
    }

    /**
     * The frame layout of the pixel data when it is native, from Rows, Columns, Samples per Pixel, Bits Allocated and
     * Number of Frames (checked when the header was read); empty when there is no pixel data, it is encapsulated
     * (compressed) or its frames do not each start on a byte.
     */
    public Optional<NativeFrames> nativeFrames() {
        if (!pixelData.present() || pixelData.length() < 0 || geometry == null
                || !Part10Reader.NATIVE.contains(header.transferSyntaxUid())) {
            return Optional.empty();
        }
        long frameBytes = geometry.frameBytes();
        if (frameBytes > pixelData.length() / geometry.frames()) {
            return Optional.empty();
        }
        return Optional.of(new NativeFrames(frameBytes, geometry.frames(), pixelData.length()));
    }

    /** Whether the pixel data is encapsulated (compressed in the instance's transfer syntax). */
    public boolean encapsulated() {
        return pixelData.present() && pixelData.length() < 0 && geometry != null;
    }

    /**
     * Reads on from where the header ended (instead of {@link #content()}, once) to locate the frames of the
     * encapsulated pixel data. The caller closes the source it opened the instance from.
     *
     * @throws DicomRejection the pixel data's items are broken or its frames cannot be told apart
     */
    public EncapsulatedFrames encapsulatedFrames() throws IOException, DicomRejection {
        return EncapsulatedFrames.read(encapsulatedValue(), geometry.frames(), header.transferSyntaxUid());
    }

    /**
     * The encapsulated pixel data value (its items, then the sequence delimiter and whatever follows), read on from
     * where the header ended, instead of {@link #content()}, once. Positions in it are those of
     * {@link EncapsulatedFrames}. The caller closes the source it opened the instance from.
     */
    public InputStream encapsulatedValue() {
        if (consumed || !encapsulated()) {
            throw new IllegalStateException("no encapsulated pixel data to read");
        }
        consumed = true;
        return new FilterInputStream(rest) {

            @Override
            public void close() {
                // the source belongs to the caller
            }
        };
    }

    /** The checked pixel geometry, or null when there is no pixel data. */
    ImageGeometry geometry() {
        return geometry;
    }

    /** The header as parsed (everything before the pixel data). */
    AttributeList attributes() {
        return attributes;
    }

    /**
     * The native pixel data value, read on from where the header ended (instead of {@link #content()}, once). The
     * caller closes the source it opened the instance from.
     */
    public InputStream pixelValue() {
        if (consumed || nativeFrames().isEmpty()) {
            throw new IllegalStateException("no native pixel data to read");
        }
        consumed = true;
        return new FilterInputStream(rest) {

            private long left = pixelData.length();

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n < 0) {
                    throw new EOFException("the stored pixel data is shorter than declared");
                }
                left -= n;
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = in.skip(Math.min(Math.max(n, 0), left));
                left -= skipped;
                return skipped;
            }

            @Override
            public void close() {
                // the source belongs to the caller
            }
        };
    }

    /**
     * This instance's metadata (PS3.18 F.2): every attribute of the header except the file meta information; the
     * pixel data is added as a BulkDataURI when it is written.
     */
    public InstanceMetadata metadata() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4096);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            DicomJson.writeDataSet(json, attributes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new InstanceMetadata(out.toByteArray(), pixelData.present() ? pixelData.vr() : null);
    }

    private final class ContentStream extends InputStream {

        private int headerPosition;
        private long restBytes;
        private final byte[] tail = new byte[8];
        private long tailFilled;
        private boolean finished;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (headerPosition < headerBytes.length) {
                int n = Math.min(len, headerBytes.length - headerPosition);
                System.arraycopy(headerBytes, headerPosition, b, off, n);
                digest.update(b, off, n);
                headerPosition += n;
                return n;
            }
            if (finished) {
                return -1;
            }
            int n = rest.read(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            restBytes += n;
            if (headerBytes.length + restBytes > limits.maxInstanceBytes()) {
                throw new DicomStreamException(new DicomRejection(DicomRejection.Reason.TOO_LARGE,
                        "the instance is larger than " + limits.maxInstanceBytes() + " bytes"));
            }
            digest.update(b, off, n);
            remember(b, off, n);
            return n;
        }

        private void remember(byte[] b, int off, int n) {
            int keep = Math.min(n, tail.length);
            int shift = tail.length - keep;
            System.arraycopy(tail, keep, tail, 0, shift);
            System.arraycopy(b, off + n - keep, tail, shift, keep);
            tailFilled += n;
        }

        private void finish() throws DicomStreamException {
            finished = true;
            if (pixelData.present()) {
                boolean complete = pixelData.length() >= 0
                        ? restBytes >= pixelData.length()
                        : tailFilled >= tail.length && java.util.Arrays.equals(tail, SEQUENCE_DELIMITER);
                if (!complete) {
                    throw new DicomStreamException(new DicomRejection(DicomRejection.Reason.TRUNCATED,
                            "the pixel data ends before its declared length"));
                }
            }
            size = headerBytes.length + restBytes;
        }

        @Override
        public void close() {
            // the source belongs to the caller
        }
    }
}
