package org.imageportal.studies;

import static io.restassured.RestAssured.given;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.response.Response;

/** Test helpers: STOW-RS bodies, multipart responses, the index and the bucket folder. */
public final class Dicomweb {

    private Dicomweb() {
    }

    static byte[] multipart(String boundary, List<byte[]> parts, String partType) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Type: " + partType + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(part);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    public static Response stow(String token, List<byte[]> parts) {
        return stow(token, "/dicomweb/studies", parts);
    }

    public static Response stow(String token, String path, List<byte[]> parts) {
        String boundary = "b-" + UUID.randomUUID();
        return given().auth().oauth2(token)
                .contentType("multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .accept("application/dicom+json")
                .body(multipart(boundary, parts, "application/dicom"))
                .post(path);
    }

    /** The bodies of a multipart/related response, in order. */
    public static List<byte[]> parts(Response response) {
        String contentType = response.getContentType();
        String boundary = contentType.replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
        byte[] body = response.asByteArray();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<byte[]> parts = new ArrayList<>();
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int headerStart = at + delimiter.length;
            if (body[headerStart] == '-' && body[headerStart + 1] == '-') {
                break;
            }
            int bodyStart = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headerStart) + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), bodyStart);
            parts.add(Arrays.copyOfRange(body, bodyStart, next));
            at = next + 2;
        }
        return parts;
    }

    public static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer : for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Where S3Proxy keeps the test bucket's objects. */
    public static Path bucketDir() {
        return Path.of(System.getenv("PORTAL_STATE_DIR"), "data", "s3",
                ConfigProvider.getConfig().getValue("portal.storage.bucket", String.class));
    }

    public static String objectKey(DataSource db, String sopInstanceUid) throws Exception {
        return queryString(db, "SELECT object_key FROM portal.instance WHERE sop_instance_uid = ?", sopInstanceUid);
    }

    public static String queryString(DataSource db, String sql, String param) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** An instance's sealed metadata as the index holds it (null for an instance stored before it did). */
    public static byte[] metadataColumn(DataSource db, String sopInstanceUid) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT metadata FROM portal.instance WHERE sop_instance_uid = ?")) {
            s.setString(1, sopInstanceUid);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getBytes(1) : null;
            }
        }
    }

    /** Replaces an instance's sealed metadata in the index (tampering, or a row from before it held metadata). */
    public static void setMetadataColumn(DataSource db, String sopInstanceUid, byte[] value) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE portal.instance SET metadata = ? WHERE sop_instance_uid = ?")) {
            s.setBytes(1, value);
            s.setString(2, sopInstanceUid);
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("no instance " + sopInstanceUid);
            }
        }
    }

    /** Links the patient known under this Patient ID to a portal account (what the front desk will do). */
    public static void linkAccount(DataSource db, String patientId, String subject) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE portal.patient SET account_subject = ? WHERE patient_id = ?")) {
            s.setString(1, subject);
            s.setString(2, patientId);
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("no patient with that id");
            }
        }
    }
}
