package org.imageportal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.minio.Signer;

import okhttp3.HttpUrl;
import okhttp3.Request;

/** The object store requests' signing: AWS's published example, and the MinIO client's signer on the same requests. */
class SigV4Test {

    private static Map<String, String> byName(List<SigV4.Header> headers) {
        return headers.stream().collect(Collectors.toMap(SigV4.Header::name, SigV4.Header::value));
    }

    @Test
    void signsAwsPublishedGetObjectExample() {
        // "Signature Calculations for the Authorization Header", example GET Object (Amazon S3 API reference)
        SigV4 signer = new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1");
        Map<String, String> headers = byName(signer.get("examplebucket.s3.amazonaws.com", "/test.txt", "bytes=0-9",
                Instant.parse("2013-05-24T00:00:00Z")));
        assertThat(headers.get("x-amz-date")).isEqualTo("20130524T000000Z");
        assertThat(headers.get("Range")).isEqualTo("bytes=0-9");
        assertThat(headers.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void agreesWithTheMinioClientsSignerAcrossDaysKeysAndRanges() throws Exception {
        SigV4 signer = new SigV4("portal-access", "s3cr3t/with+chars", "eu-central-1");
        String[] paths = {"/portal-test/ab/cdef0123456789", "/bucket/objects/9f/8e7d6c5b4a", "/b/k"};
        String[] ranges = {null, "bytes=0-99", "bytes=1048576-"};
        Instant[] times = {Instant.parse("2026-11-28T23:59:59Z"), Instant.parse("2026-11-29T00:00:01Z"),
                Instant.parse("2027-02-28T12:34:56Z")};
        for (Instant time : times) {
            for (String path : paths) {
                for (String range : ranges) {
                    for (String host : new String[]{"127.0.0.1:9000", "minio.internal"}) {
                        Map<String, String> ours = byName(signer.get(host, path, range, time));
                        Request.Builder request = new Request.Builder()
                                .url(HttpUrl.get("http://" + host + path)).get().header("Host", host)
                                .header("x-amz-date", ours.get("x-amz-date"))
                                .header("x-amz-content-sha256", SigV4.EMPTY_SHA256);
                        if (range != null) {
                            request.header("Range", range);
                        }
                        Request minio = Signer.signV4S3(request.build(), "eu-central-1", "portal-access",
                                "s3cr3t/with+chars", SigV4.EMPTY_SHA256);
                        assertThat(ours.get("Authorization")).as("%s %s %s %s", time, host, path, range)
                                .isEqualTo(minio.header("Authorization"));
                    }
                }
                // a whole-object write, its payload not hashed into the signature
                Map<String, String> put = byName(signer.putUnsigned("127.0.0.1:9000", path, time));
                assertThat(put.get("x-amz-content-sha256")).isEqualTo("UNSIGNED-PAYLOAD");
                Request minio = Signer.signV4S3(new Request.Builder().url(HttpUrl.get("http://127.0.0.1:9000" + path))
                        .put(okhttp3.RequestBody.create(new byte[0])).header("Host", "127.0.0.1:9000")
                        .header("x-amz-date", put.get("x-amz-date"))
                        .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD").build(), "eu-central-1", "portal-access",
                        "s3cr3t/with+chars", "UNSIGNED-PAYLOAD");
                assertThat(put.get("Authorization")).as("PUT %s %s", time, path)
                        .isEqualTo(minio.header("Authorization"));
            }
        }
    }

    @Test
    void agreesWithTheMinioClientsSignerOnRequestsWithQueriesAndHeaders() throws Exception {
        SigV4 signer = new SigV4("portal-access", "s3cr3t/with+chars", "us-east-1");
        Instant time = Instant.parse("2026-12-01T10:00:00Z");
        String host = "127.0.0.1:7480";
        // a version listing, a read of one version and a retained put, as the anchor's bucket sends them
        String[][] requests = {
                {"GET", "/anchors", "prefix=" + S3Http.uriEncode("audit/ab/x y") + "&versions="},
                {"GET", "/anchors/audit/ab/k", "versionId=" + S3Http.uriEncode("Xy.z-_09~+/=")},
                {"PUT", "/anchors/audit/ab/k", ""}};
        List<SigV4.Header> lock = List.of(new SigV4.Header("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="),
                new SigV4.Header("x-amz-object-lock-mode", "COMPLIANCE"),
                new SigV4.Header("x-amz-object-lock-retain-until-date", "2027-01-05T10:00:00Z"));
        for (String[] r : requests) {
            List<SigV4.Header> extra = r[0].equals("PUT") ? lock : List.of();
            String payload = r[0].equals("PUT") ? SigV4.UNSIGNED_PAYLOAD : SigV4.EMPTY_SHA256;
            Map<String, String> ours = byName(signer.sign(r[0], host, r[1], r[2], extra, payload, time));
            Request.Builder request = new Request.Builder()
                    .url(HttpUrl.get("http://" + host + r[1] + (r[2].isEmpty() ? "" : "?" + r[2])))
                    .method(r[0], r[0].equals("PUT") ? okhttp3.RequestBody.create(new byte[0]) : null)
                    .header("Host", host).header("x-amz-date", ours.get("x-amz-date"))
                    .header("x-amz-content-sha256", payload);
            for (SigV4.Header header : extra) {
                request.header(header.name(), header.value());
            }
            Request minio = Signer.signV4S3(request.build(), "us-east-1", "portal-access", "s3cr3t/with+chars",
                    payload);
            assertThat(ours.get("Authorization")).as("%s %s?%s", r[0], r[1], r[2])
                    .isEqualTo(minio.header("Authorization"));
        }
    }

    @Test
    void theUploadChecksumIsTheCrc32cOfTheBytesInBase64() {
        // the check value of CRC-32C (RFC 3720 B.4): "123456789" gives 0xE3069283
        assertThat(S3Http.crc32c("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isEqualTo(java.util.Base64.getEncoder().encodeToString(new byte[]{(byte) 0xE3, 0x06, (byte) 0x92,
                        (byte) 0x83}));
        assertThat(S3Http.crc32c(new byte[0])).isEqualTo("AAAAAA==");
    }
}
