package org.imageportal.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for the object reads (GET without a body or query) and whole-object writes (PUT), in
 * headers, and for the few other requests of the retained bucket (with a query and headers of their own). The signing key depends only on the day, the region and the service, so it is derived once a day rather
 * than with four HMACs per request, and the request's HMAC is a copy of a prepared one (a general signer doing all of
 * it per request cost a fifth of the CPU time of opening an object while a study was served). Thread-safe.
 */
final class SigV4 {

    /** SHA-256 of an empty payload. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** A header to send, named as signed. */
    record Header(String name, String value) {
    }

    private record DayKey(String day, byte[] key, Mac prepared) {
    }

    private final String accessKey;
    private final byte[] secret;
    private final String region;
    private volatile DayKey dayKey;

    SigV4(String accessKey, String secretKey, String region) {
        this.accessKey = accessKey;
        this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
        this.region = region;
    }

    /**
     * The headers of a signed GET of {@code encodedPath} on {@code host} (with its port when not the default), the
     * Host header itself excepted: x-amz-date, x-amz-content-sha256, Range when {@code range} is not null, and
     * Authorization.
     */
    List<Header> get(String host, String encodedPath, String range, Instant now) {
        return sign("GET", host, encodedPath, range, EMPTY_SHA256, now);
    }

    /**
     * The same for a PUT whose body is not hashed into the signature ({@value #UNSIGNED_PAYLOAD}): the objects are
     * ciphertext whose every segment carries its own authentication tag, checked whenever it is read.
     */
    List<Header> putUnsigned(String host, String encodedPath, Instant now) {
        return sign("PUT", host, encodedPath, null, UNSIGNED_PAYLOAD, now);
    }

    /**
     * The headers of any signed request: {@code canonicalQuery} is the query as sent (names sorted, both parts
     * URI-encoded, "" for none) and {@code extra} the headers to send and sign besides Host (names in lower case):
     * x-amz-date, x-amz-content-sha256, the extra ones, and Authorization.
     */
    List<Header> sign(String method, String host, String encodedPath, String canonicalQuery, List<Header> extra,
            String payload, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        java.util.TreeMap<String, String> headers = new java.util.TreeMap<>();
        headers.put("host", host.strip());
        headers.put("x-amz-content-sha256", payload);
        headers.put("x-amz-date", amzDate);
        for (Header header : extra) {
            headers.put(header.name().toLowerCase(java.util.Locale.ROOT), header.value().strip());
        }
        StringBuilder canonical = new StringBuilder(256).append(method).append('\n').append(encodedPath).append('\n')
                .append(canonicalQuery).append('\n');
        headers.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
        String signedHeaders = String.join(";", headers.keySet());
        canonical.append('\n').append(signedHeaders).append('\n').append(payload);
        String scope = day + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonical));
        String signature = HEX.formatHex(signingMac(day).doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        List<Header> send = new java.util.ArrayList<>(extra.size() + 3);
        send.add(new Header("x-amz-date", amzDate));
        send.add(new Header("x-amz-content-sha256", payload));
        send.addAll(extra);
        send.add(new Header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature));
        return send;
    }

    private List<Header> sign(String method, String host, String encodedPath, String range, String payload,
            Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        StringBuilder canonical = new StringBuilder(256).append(method).append('\n').append(encodedPath)
                .append("\n\n").append("host:").append(host.strip()).append('\n');
        if (range != null) {
            canonical.append("range:").append(range.strip()).append('\n');
        }
        canonical.append("x-amz-content-sha256:").append(payload).append('\n').append("x-amz-date:").append(amzDate)
                .append("\n\n");
        String signedHeaders = range != null
                ? "host;range;x-amz-content-sha256;x-amz-date"
                : "host;x-amz-content-sha256;x-amz-date";
        canonical.append(signedHeaders).append('\n').append(payload);
        String scope = day + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonical));
        String signature = HEX.formatHex(signingMac(day).doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        String authorization = "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders="
                + signedHeaders + ", Signature=" + signature;
        return range != null
                ? List.of(new Header("x-amz-date", amzDate), new Header("x-amz-content-sha256", payload),
                        new Header("Range", range), new Header("Authorization", authorization))
                : List.of(new Header("x-amz-date", amzDate), new Header("x-amz-content-sha256", payload),
                        new Header("Authorization", authorization));
    }

    private static byte[] sha256(CharSequence text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** A fresh HMAC keyed with the signing key of {@code day}, derived when the day changes. */
    private Mac signingMac(String day) {
        DayKey current = dayKey;
        if (current == null || !current.day().equals(day)) {
            byte[] key = hmac(secret, day);
            key = hmac(key, region);
            key = hmac(key, "s3");
            key = hmac(key, "aws4_request");
            current = new DayKey(day, key, mac(key));
            dayKey = current;
        }
        try {
            return (Mac) current.prepared().clone();
        } catch (CloneNotSupportedException e) {
            return mac(current.key()); // a provider whose HMAC cannot be copied: keyed afresh
        }
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        return mac(key).doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}
