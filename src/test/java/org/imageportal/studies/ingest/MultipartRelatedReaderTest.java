package org.imageportal.studies.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Part bodies come out byte for byte whatever size the consumer reads in, even around near-delimiters. */
class MultipartRelatedReaderTest {

    private static final String BOUNDARY = "b0und4ry";

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 8192, 300_000})
    void partsComeOutExactlyWhateverTheReadSize(int readSize) throws IOException {
        List<byte[]> parts = parts();
        MultipartRelatedReader reader = new MultipartRelatedReader(new ByteArrayInputStream(body(parts)), BOUNDARY);
        List<byte[]> read = new ArrayList<>();
        for (var part = reader.next(); part != null; part = reader.next()) {
            read.add(readAll(part.body(), readSize));
        }
        assertThat(read).hasSize(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            assertThat(read.get(i)).as("part %d", i).isEqualTo(parts.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8192})
    void aBodyWithoutItsClosingBoundaryIsMalformed(int readSize) throws IOException {
        byte[] whole = body(parts());
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 40);
        MultipartRelatedReader reader = new MultipartRelatedReader(new ByteArrayInputStream(cut), BOUNDARY);
        assertThatThrownBy(() -> {
            for (var part = reader.next(); part != null; part = reader.next()) {
                readAll(part.body(), readSize);
            }
        }).isInstanceOf(MultipartRelatedReader.MalformedMultipart.class);
    }

    private static List<byte[]> parts() {
        Random random = new Random(7);
        byte[] large = new byte[700_000];
        random.nextBytes(large);
        // near-misses of the delimiter inside the content, including one across the reader's buffer size
        byte[] nearMiss = ("\r\n--" + BOUNDARY.substring(0, 5)).getBytes(StandardCharsets.US_ASCII);
        for (int at : new int[]{0, 1000, 262_140, 262_144, 699_990}) {
            System.arraycopy(nearMiss, 0, large, at, Math.min(nearMiss.length, large.length - at));
        }
        // and the whole delimiter but its first byte: the search compares from the end, it must go to the start
        byte[] lastMiss = ("\n\n--" + BOUNDARY).getBytes(StandardCharsets.US_ASCII);
        for (int at : new int[]{5_000, 262_135, 262_139, 500_001}) {
            System.arraycopy(lastMiss, 0, large, at, lastMiss.length);
        }
        return List.of(large, new byte[0], "\r\n--".getBytes(StandardCharsets.US_ASCII), new byte[]{42});
    }

    private static byte[] body(List<byte[]> parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(part);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in, int readSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = in.read(buffer, 0, readSize)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
