package org.imageportal.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The study downloaded as the patient's ZIP (DICOM files, DICOMDIR, previews): time to the first byte, total time,
 * and the archive's size and DICOM entries, read as it streams (the client holds nothing).
 */
final class ArchiveDownload {

    /** One download. */
    record Result(double firstByteSeconds, double seconds, long zipBytes, int dicomEntries, boolean dicomdir) {

        double mbps(long contentBytes) {
            return contentBytes / 1e6 / seconds;
        }
    }

    private ArchiveDownload() {
    }

    static Result measure(HttpClient http, String base, String token, String studyUid) throws Exception {
        String id = studyId(studyUid);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/studies/" + id + "/archive"))
                .header("Authorization", "Bearer " + token).GET().build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (CountingStream body = new CountingStream(response.body())) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the archive answered " + response.statusCode() + ": "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            int first = body.read();
            double firstByte = (System.nanoTime() - start) / 1e9;
            if (first < 0) {
                throw new IllegalStateException("empty archive");
            }
            int dicom = 0;
            boolean dicomdir = false;
            try (ZipInputStream zip = new ZipInputStream(new java.io.SequenceInputStream(
                    new java.io.ByteArrayInputStream(new byte[] {(byte) first}), body))) {
                ZipEntry entry;
                byte[] buffer = new byte[256 * 1024];
                while ((entry = zip.getNextEntry()) != null) {
                    if (entry.getName().startsWith("DICOM/")) {
                        dicom++;
                    }
                    dicomdir |= entry.getName().equals("DICOMDIR");
                    while (zip.read(buffer) > 0) {
                        // read through
                    }
                }
            }
            return new Result(firstByte, (System.nanoTime() - start) / 1e9, body.count + 1, dicom, dicomdir);
        }
    }

    /** The study's row id (the archive's address), looked up by the harness in the index. */
    private static String studyId(String studyUid) throws Exception {
        String url = "jdbc:postgresql://" + env("PORTAL_DB_HOST", "127.0.0.1") + ":" + env("PORTAL_DB_PORT", "5432")
                + "/" + env("PORTAL_DB_NAME", "portal_test");
        try (Connection c = DriverManager.getConnection(url, env("PORTAL_DB_APP_USER", "portal_app"),
                System.getenv("PORTAL_DB_APP_PASSWORD"));
                PreparedStatement s = c.prepareStatement("SELECT id::text FROM portal.study WHERE study_uid = ?")) {
            s.setString(1, studyUid);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("the study is not in the index");
                }
                return r.getString(1);
            }
        }
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }

    /** Counts what is read through it. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
