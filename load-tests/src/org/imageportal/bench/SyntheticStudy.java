package org.imageportal.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A synthetic CT study written as DICOM Part 10 bytes directly (explicit VR little endian), so the benchmark
 * needs no DICOM toolkit: one patient, one series, {@code instances} images of {@code size} x {@code size} x 16
 * bit. Instance {@code i} is the same bytes every time it is generated.
 */
public final class SyntheticStudy {

    static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    private final int instances;
    private final int size;
    private final String studyUid = uid();
    private final String seriesUid = uid();
    private final String[] sopUids;
    private final String patientId = "BENCH" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();

    public SyntheticStudy(int instances, int size) {
        this.instances = instances;
        this.size = size;
        this.sopUids = new String[instances];
        for (int i = 0; i < instances; i++) {
            sopUids[i] = uid();
        }
    }

    public int instances() {
        return instances;
    }

    public String studyUid() {
        return studyUid;
    }

    /** Bytes of one instance, about size * size * 2 + 600. */
    public byte[] instance(int i) {
        Writer meta = new Writer();
        meta.element(0x0002, 0x0001, "OB", new byte[] {0, 1});
        meta.text(0x0002, 0x0002, "UI", CT_IMAGE_STORAGE);
        meta.text(0x0002, 0x0003, "UI", sopUids[i]);
        meta.text(0x0002, 0x0010, "UI", EXPLICIT_VR_LITTLE_ENDIAN);
        meta.text(0x0002, 0x0012, "UI", "2.25.1");
        byte[] metaBytes = meta.bytes();

        Writer data = new Writer();
        data.text(0x0008, 0x0016, "UI", CT_IMAGE_STORAGE);
        data.text(0x0008, 0x0018, "UI", sopUids[i]);
        data.text(0x0008, 0x0020, "DA", "20260101");
        data.text(0x0008, 0x0060, "CS", "CT");
        data.text(0x0008, 0x1030, "LO", "BENCHMARK");
        data.text(0x0010, 0x0010, "PN", "Bench^Patient");
        data.text(0x0010, 0x0020, "LO", patientId);
        data.text(0x0010, 0x0030, "DA", "19700101");
        data.text(0x0020, 0x000D, "UI", studyUid);
        data.text(0x0020, 0x000E, "UI", seriesUid);
        data.text(0x0020, 0x0011, "IS", "1");
        data.text(0x0020, 0x0013, "IS", Integer.toString(i + 1));
        data.uint16(0x0028, 0x0002, 1);
        data.text(0x0028, 0x0004, "CS", "MONOCHROME2");
        data.uint16(0x0028, 0x0010, size);
        data.uint16(0x0028, 0x0011, size);
        data.uint16(0x0028, 0x0100, 16);
        data.uint16(0x0028, 0x0101, 12);
        data.uint16(0x0028, 0x0102, 11);
        data.uint16(0x0028, 0x0103, 0);
        byte[] pixels = new byte[size * size * 2];
        long x = 0x9E3779B97F4A7C15L * (i + 1);
        for (int p = 0; p < pixels.length; p += 2) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            pixels[p] = (byte) x;
            pixels[p + 1] = (byte) ((x >>> 8) & 0x0F);
        }
        data.element(0x7FE0, 0x0010, "OW", pixels);
        byte[] dataBytes = data.bytes();

        ByteArrayOutputStream out = new ByteArrayOutputStream(132 + 12 + metaBytes.length + dataBytes.length);
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        Writer groupLength = new Writer();
        groupLength.uint32(0x0002, 0x0000, metaBytes.length);
        out.writeBytes(groupLength.bytes());
        out.writeBytes(metaBytes);
        out.writeBytes(dataBytes);
        return out.toByteArray();
    }

    private static String uid() {
        UUID u = UUID.randomUUID();
        return "2.25." + new java.math.BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
    }

    /** Explicit VR little endian elements. */
    private static final class Writer {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void text(int group, int element, String vr, String value) {
            byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length % 2 == 1) {
                byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 1);
                padded[bytes.length] = (byte) ("UI".equals(vr) ? 0 : ' ');
                bytes = padded;
            }
            element(group, element, vr, bytes);
        }

        void uint16(int group, int element, int value) {
            element(group, element, "US", new byte[] {(byte) value, (byte) (value >>> 8)});
        }

        void uint32(int group, int element, int value) {
            element(group, element, "UL",
                    new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
        }

        void element(int group, int element, String vr, byte[] value) {
            short16(group);
            short16(element);
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if ("OB".equals(vr) || "OW".equals(vr)) {
                short16(0);
                int n = value.length;
                out.writeBytes(new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
            } else {
                short16(value.length);
            }
            out.writeBytes(value);
        }

        private void short16(int v) {
            out.write(v & 0xFF);
            out.write((v >>> 8) & 0xFF);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
