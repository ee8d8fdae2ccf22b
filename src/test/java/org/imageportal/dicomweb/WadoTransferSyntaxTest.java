package org.imageportal.dicomweb;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.imageportal.dicom.DicomTools;
import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * WADO-RS frames of instances stored compressed, made at test time by dcmtk (and GDCM for JPEG 2000) from the
 * portal's synthetic images: which Accept gets which transfer syntax, and that what comes back is either the stored
 * codestream of each frame, which the same tools decode to the source pixels, or the frame decoded here to Explicit
 * VR Little Endian, which is the source pixels themselves.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WadoTransferSyntaxTest {

    static final String ANY_OCTET = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    static final String OCTET = "multipart/related; type=\"application/octet-stream\"";
    static final String OCTET_EXPLICIT = OCTET + "; transfer-syntax=1.2.840.10008.1.2.1";
    static final String JLS = "multipart/related; type=\"image/jls\"";
    static final String JLS_NEAR_LOSSLESS = JLS + "; transfer-syntax=1.2.840.10008.1.2.4.81";
    static final String JPEG = "multipart/related; type=\"image/jpeg\"";
    static final String RLE = "multipart/related; type=\"image/dicom-rle\"";
    static final String JP2 = "multipart/related; type=\"image/jp2\"";
    static final String JPX = "multipart/related; type=\"image/jpx\"";
    static final String JPHC = "multipart/related; type=\"image/jphc\"";
    static final String DICOM = "multipart/related; type=\"application/dicom\"";
    static final String PREFERRING_JLS = OCTET + "; q=0.5, " + JLS;
    static final String PREFERRING_OCTET = JPEG + "; q=0.5, " + OCTET;
    static final String OCTET_OR_JPEG = OCTET + ", " + JPEG;
    static final String EXPLICIT_OPEN = "multipart/related; transfer-syntax=1.2.840.10008.1.2.1";
    static final String NO_ACCEPT = "(none)";

    static final String EXPLICIT = "1.2.840.10008.1.2.1";
    static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
    static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";
    static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";

    static final int SIZE = 64;
    static final int FRAMES = 3;

    /** A stored instance: how it was made, its file, the source's pixels, and its frames address. */
    record Stored(String syntax, byte[] file, byte[] sourcePixels, int frames, String address) {
    }

    final Map<String, Stored> stored = new LinkedHashMap<>();
    String ingest;
    String frontdesk;
    boolean sent;

    @BeforeAll
    void makeEveryVariant() throws Exception {
        ingest = TestRealm.ingestToken();
        frontdesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
        TestDicom.Patient patient = TestDicom.Patient.random();
        make("native", patient, 1, null);
        make("jls", patient, 1, "dcmcjpls");
        make("jls-multi-table", patient, FRAMES, "dcmcjpls", "+fs", "1");
        make("jls-multi-markers", patient, FRAMES, "dcmcjpls", "+fs", "1", "-ot");
        make("jpeg-lossless", patient, 1, "dcmcjpeg", "+el");
        make("jpeg-lossless-multi", patient, FRAMES, "dcmcjpeg", "+el", "-ot");
        // lossy: dcmtk would give it a new SOP Instance UID
        make("jpeg-baseline", patient, 1, "dcmcjpeg", "+eb", "+un");
        make("rle", patient, 1, "dcmcrle");
        make("rle-multi", patient, FRAMES, "dcmcrle", "-ot");
        if (DicomTools.installed("gdcmconv")) {
            make("j2k", patient, 1, "gdcmconv", "--j2k");
            make("j2k-multi", patient, FRAMES, "gdcmconv", "--j2k");
        }
    }

    /** Stores them once, from a test: the portal's address is known to the HTTP client only there. */
    private Stored storedOnce(String variant) {
        if (!sent) {
            Dicomweb.stow(ingest, stored.values().stream().map(Stored::file).toList()).then().statusCode(200);
            sent = true;
        }
        return stored.get(variant);
    }

    static Stream<Arguments> negotiation() {
        return Stream.of(
                // stored, Accept, status, part media type, transfer syntax of the parts
                Arguments.of("native", ANY_OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("native", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("native", OCTET_EXPLICIT, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("native", NO_ACCEPT, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("native", PREFERRING_JLS, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("native", JLS, 406, null, null),
                Arguments.of("native", DICOM, 406, null, null),
                Arguments.of("jls", ANY_OCTET, 200, "application/octet-stream", JPEG_LS),
                Arguments.of("jls", JLS, 200, "image/jls", JPEG_LS),
                Arguments.of("jls", PREFERRING_JLS, 200, "image/jls", JPEG_LS),
                Arguments.of("jls", NO_ACCEPT, 200, "image/jls", JPEG_LS),
                // decoded here by the portal's own JPEG-LS decoder
                Arguments.of("jls", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jls", OCTET_EXPLICIT, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jls", EXPLICIT_OPEN, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jls", OCTET_OR_JPEG, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jls", JLS_NEAR_LOSSLESS, 406, null, null),
                Arguments.of("jls", JPEG, 406, null, null),
                Arguments.of("jls", DICOM, 406, null, null),
                Arguments.of("jls-multi-table", JLS, 200, "image/jls", JPEG_LS),
                Arguments.of("jls-multi-table", ANY_OCTET, 200, "application/octet-stream", JPEG_LS),
                Arguments.of("jls-multi-markers", JLS, 200, "image/jls", JPEG_LS),
                Arguments.of("jls-multi-markers", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jls-multi-table", OCTET_EXPLICIT, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jpeg-lossless", JPEG, 200, "image/jpeg", JPEG_LOSSLESS),
                Arguments.of("jpeg-lossless", ANY_OCTET, 200, "application/octet-stream", JPEG_LOSSLESS),
                Arguments.of("jpeg-lossless", JLS, 406, null, null),
                // decoded to Explicit VR Little Endian where asked for and a decoder is found here
                Arguments.of("jpeg-lossless", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jpeg-lossless", OCTET_EXPLICIT, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jpeg-lossless", EXPLICIT_OPEN, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jpeg-lossless", OCTET_OR_JPEG, 200, "image/jpeg", JPEG_LOSSLESS),
                Arguments.of("jpeg-lossless", PREFERRING_OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jpeg-lossless-multi", JPEG, 200, "image/jpeg", JPEG_LOSSLESS),
                Arguments.of("jpeg-lossless-multi", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("jpeg-baseline", JPEG, 200, "image/jpeg", JPEG_BASELINE),
                Arguments.of("jpeg-baseline", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("rle", RLE, 200, "image/dicom-rle", RLE_LOSSLESS),
                Arguments.of("rle", ANY_OCTET, 200, "application/octet-stream", RLE_LOSSLESS),
                Arguments.of("rle", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("rle", JPEG, 406, null, null),
                Arguments.of("rle-multi", RLE, 200, "image/dicom-rle", RLE_LOSSLESS),
                Arguments.of("rle-multi", OCTET_EXPLICIT, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("j2k", JP2, 200, "image/jp2", J2K_LOSSLESS),
                Arguments.of("j2k", JPX, 200, "image/jpx", J2K_LOSSLESS),
                Arguments.of("j2k", ANY_OCTET, 200, "application/octet-stream", J2K_LOSSLESS),
                Arguments.of("j2k", OCTET, 200, "application/octet-stream", EXPLICIT),
                Arguments.of("j2k", JPHC, 406, null, null),
                Arguments.of("j2k", JLS, 406, null, null),
                Arguments.of("j2k-multi", JP2, 200, "image/jp2", J2K_LOSSLESS),
                Arguments.of("j2k-multi", OCTET, 200, "application/octet-stream", EXPLICIT));
    }

    @ParameterizedTest(name = "{0} with {1}: {2} {3} {4}")
    @MethodSource
    void negotiation(String variant, String accept, int status, String partType, String syntax) throws Exception {
        Stored instance = storedOnce(variant);
        Assumptions.assumeTrue(instance != null, "GDCM is not installed for JPEG 2000");
        if (syntax != null && !syntax.equals(EXPLICIT)) {
            assertThat(instance.syntax()).as("the tool made what the row expects").isEqualTo(syntax);
        }
        // every frame, out of order, so that the object is read again
        int[] order = instance.frames() == 1 ? new int[]{1} : new int[]{3, 1, 2};
        String list = String.join(",", Arrays.stream(order).mapToObj(Integer::toString).toList());
        RequestSpecification request = given().auth().oauth2(frontdesk);
        if (!accept.equals(NO_ACCEPT)) {
            request = request.accept(accept);
        }
        Response response = request.get(instance.address() + "/frames/" + list);
        response.then().statusCode(status);
        if (status != 200) {
            response.then().contentType("application/problem+json");
            return;
        }
        assertThat(response.getContentType()).startsWith("multipart/related; type=\"" + partType + "\"");
        List<Part> parts = parts(response);
        assertThat(parts).hasSize(order.length)
                .allSatisfy(part -> assertThat(part.type()).isEqualTo(partType + "; transfer-syntax=" + syntax));
        byte[][] frames = new byte[instance.frames()][];
        for (int i = 0; i < order.length; i++) {
            frames[order[i] - 1] = parts.get(i).body();
        }
        if (syntax.equals(EXPLICIT) && instance.syntax().equals(JPEG_BASELINE)) {
            // decoded here from a lossy, 8-bit codestream: what the tools decode it to, give or take rounding
            byte[] tools = decode(instance.file(), instance.syntax());
            byte[] reference = Arrays.copyOfRange(tools, tools.length - frames[0].length, tools.length);
            assertThat(frames[0]).hasSize(SIZE * SIZE);
            for (int i = 0; i < reference.length; i++) {
                assertThat(Math.abs((frames[0][i] & 0xFF) - (reference[i] & 0xFF))).as("sample %d", i)
                        .isLessThanOrEqualTo(1);
            }
        } else if (syntax.equals(EXPLICIT)) {
            assertThat(concat(frames)).isEqualTo(instance.sourcePixels());
        } else if (syntax.equals(JPEG_BASELINE)) {
            // lossy and reduced to 8 bits: the served frame decodes to what the stored instance decodes to
            assertThat(Arrays.copyOf(frames[0], 2)).containsExactly(0xFF, 0xD8);
            assertThat(decode(rebuilt(instance, frames), instance.syntax()))
                    .isEqualTo(decode(instance.file(), instance.syntax()));
        } else {
            assertThat(decoded(instance, frames)).isEqualTo(instance.sourcePixels());
        }
    }

    @Test
    void bulkDataOfACompressedMultiFrameIsOnePartPerFrame() throws Exception {
        Stored instance = storedOnce("jls-multi-markers");
        String uri = given().auth().oauth2(frontdesk).get(instance.address() + "/metadata").then().statusCode(200)
                .extract().jsonPath().getString("[0].'7FE00010'.BulkDataURI");
        Response bulk = given().auth().oauth2(frontdesk).accept(JLS).get(java.net.URI.create(uri).getPath());
        bulk.then().statusCode(200);
        List<Part> parts = parts(bulk);
        assertThat(parts).hasSize(FRAMES);
        assertThat(decoded(instance, parts.stream().map(Part::body).toArray(byte[][]::new)))
                .isEqualTo(instance.sourcePixels());
        given().auth().oauth2(frontdesk).accept(JLS).get(instance.address() + "/frames/4").then().statusCode(404)
                .contentType("application/problem+json");
        // decoded here: every frame in Explicit VR Little Endian, the source pixels themselves
        Response decoded = given().auth().oauth2(frontdesk).accept(OCTET).get(java.net.URI.create(uri).getPath());
        decoded.then().statusCode(200);
        assertThat(concat(parts(decoded).stream().map(Part::body).toArray(byte[][]::new)))
                .isEqualTo(instance.sourcePixels());
    }

    static Stream<Arguments> instanceNegotiation() {
        String single = "application/dicom";
        return Stream.of(
                // stored, Accept for the whole instance, status
                Arguments.of("jls", single, 200),
                Arguments.of("jls", single + "; transfer-syntax=*", 200),
                Arguments.of("jls", single + "; transfer-syntax=" + JPEG_LS, 200),
                Arguments.of("jls", single + "; transfer-syntax=" + EXPLICIT, 406),
                Arguments.of("jls", DICOM, 200),
                Arguments.of("jls", DICOM + "; transfer-syntax=" + EXPLICIT, 406),
                Arguments.of("jls", DICOM + "; transfer-syntax=" + EXPLICIT + ", " + DICOM + "; transfer-syntax="
                        + JPEG_LS + "; q=0.5", 200),
                Arguments.of("jls", DICOM + "; transfer-syntax=" + JPEG_LS + "; q=0", 406),
                Arguments.of("rle", DICOM + "; transfer-syntax=" + RLE_LOSSLESS, 200),
                Arguments.of("native", single + "; transfer-syntax=" + EXPLICIT, 200),
                Arguments.of("native", DICOM + "; transfer-syntax=" + JPEG_LS, 406));
    }

    /** A whole instance leaves as it was stored, byte for byte, where the Accept allows that syntax; else 406. */
    @ParameterizedTest(name = "{0} with {1}: {2}")
    @MethodSource
    void instanceNegotiation(String variant, String accept, int status) throws Exception {
        Stored instance = storedOnce(variant);
        Response response = given().auth().oauth2(frontdesk).accept(accept).get(instance.address());
        response.then().statusCode(status);
        if (status != 200) {
            response.then().contentType("application/problem+json");
            assertThat(response.jsonPath().getString("detail")).contains(instance.syntax());
            return;
        }
        if (accept.startsWith("application/dicom")) {
            assertThat(response.contentType()).startsWith("application/dicom");
            assertThat(response.asByteArray()).isEqualTo(instance.file());
            return;
        }
        assertThat(parts(response)).singleElement().satisfies(part -> {
            assertThat(part.type()).isEqualTo("application/dicom; transfer-syntax=" + instance.syntax());
            assertThat(part.body()).isEqualTo(instance.file());
        });
    }

    @Test
    void bulkDataDecodedIsTheWholeNativeValueInOnePart() throws Exception {
        Stored instance = storedOnce("rle-multi");
        String uri = given().auth().oauth2(frontdesk).get(instance.address() + "/metadata").then().statusCode(200)
                .extract().jsonPath().getString("[0].'7FE00010'.BulkDataURI");
        Response bulk = given().auth().oauth2(frontdesk).accept(OCTET).get(java.net.URI.create(uri).getPath());
        bulk.then().statusCode(200);
        List<Part> parts = parts(bulk);
        assertThat(parts).singleElement().satisfies(part -> {
            assertThat(part.type()).isEqualTo("application/octet-stream; transfer-syntax=" + EXPLICIT);
            assertThat(part.body()).isEqualTo(instance.sourcePixels());
        });
    }

    private void make(String name, TestDicom.Patient patient, int frames, String tool, String... options)
            throws Exception {
        TestDicom dicom = TestDicom.ct(patient).size(SIZE).frames(frames).seed(name.hashCode());
        byte[] source = dicom.bytes();
        byte[] pixels = Arrays.copyOfRange(source, source.length - SIZE * SIZE * 2 * frames, source.length);
        byte[] file = tool == null ? source : DicomTools.convert(source, tool, options);
        stored.put(name, new Stored(transferSyntaxOf(file), file, pixels, frames, "/dicomweb/studies/"
                + dicom.studyUid() + "/series/" + dicom.seriesUid() + "/instances/" + dicom.sopInstanceUid()));
    }

    /**
     * The frames decoded by the tools: the stored file's header with the served frames as its pixel data (one
     * fragment each, no offset table), decompressed to native pixels.
     */
    private byte[] decoded(Stored instance, byte[][] frames) throws Exception {
        byte[] decoded = decode(rebuilt(instance, frames), instance.syntax());
        int length = instance.sourcePixels().length;
        return Arrays.copyOfRange(decoded, decoded.length - length, decoded.length);
    }

    /** The stored file's header with {@code frames} as its pixel data. */
    private static byte[] rebuilt(Stored instance, byte[][] frames) {
        byte[] element = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF};
        int pixelData = lastIndexOf(instance.file(), element);
        assertThat(pixelData).isPositive();
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        rebuilt.write(instance.file(), 0, pixelData + element.length);
        rebuilt.writeBytes(item(new byte[0]));
        for (byte[] frame : frames) {
            rebuilt.writeBytes(item(frame));
        }
        rebuilt.writeBytes(new byte[]{(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        return rebuilt.toByteArray();
    }

    /** A Part 10 file in {@code syntax} decompressed by the tools to native pixel data. */
    private static byte[] decode(byte[] file, String syntax) throws Exception {
        return switch (syntax) {
            case JPEG_LS -> DicomTools.convert(file, "dcmdjpls");
            case RLE_LOSSLESS -> DicomTools.convert(file, "dcmdrle");
            case J2K_LOSSLESS -> DicomTools.convert(file, "gdcmconv", "--raw");
            default -> DicomTools.convert(file, "dcmdjpeg");
        };
    }

    private static byte[] item(byte[] content) {
        int padded = content.length + (content.length & 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, (byte) padded, (byte) (padded >> 8),
                (byte) (padded >> 16), (byte) (padded >> 24)});
        out.writeBytes(content);
        if (padded != content.length) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static String transferSyntaxOf(byte[] file) {
        // (0002,0010) UI, explicit VR little endian like all file meta information
        byte[] tag = {0x02, 0x00, 0x10, 0x00, 'U', 'I'};
        int at = Dicomweb.indexOf(file, tag, 132);
        int length = (file[at + 6] & 0xff) | (file[at + 7] & 0xff) << 8;
        return new String(file, at + 8, length, StandardCharsets.US_ASCII).replace("\0", "").strip();
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        int found = -1;
        for (int at = Dicomweb.indexOf(haystack, needle, 0); at >= 0; at = Dicomweb.indexOf(haystack, needle,
                at + 1)) {
            found = at;
        }
        return found;
    }

    private static byte[] concat(byte[][] parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One part of a multipart/related response. */
    record Part(String type, byte[] body) {
    }

    static List<Part> parts(Response response) {
        String boundary = response.getContentType().replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
        byte[] body = response.asByteArray();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> parts = new ArrayList<>();
        int at = Dicomweb.indexOf(body, delimiter, 0);
        while (at >= 0) {
            int headerStart = at + delimiter.length;
            if (body[headerStart] == '-' && body[headerStart + 1] == '-') {
                break;
            }
            int bodyStart = Dicomweb.indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headerStart) + 4;
            String headers = new String(body, headerStart, bodyStart - headerStart, StandardCharsets.US_ASCII);
            String type = headers.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring("content-type:".length()).strip()).findFirst().orElse(null);
            int next = Dicomweb.indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), bodyStart);
            parts.add(new Part(type, Arrays.copyOfRange(body, bodyStart, next)));
            at = next + 2;
        }
        return parts;
    }
}
