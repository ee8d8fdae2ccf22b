package org.imageportal.sharing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Share-link tokens: a version byte, the id of the signing key, 128 random bits and an HMAC-SHA-256 over the three,
 * base64url without padding (67 characters). A token that is malformed, names an unknown key or carries a wrong
 * signature is rejected here, before anything is looked up, in time that does not depend on where it differs. Only
 * {@link #hash} of a token is ever stored. Keys rotate: new tokens are signed with the primary key, tokens signed
 * with an older key stay valid while that key is kept. Plain Java: no framework.
 */
public final class LinkTokens {

    private static final byte VERSION = 1;
    private static final int RANDOM_BYTES = 16;
    private static final int MAC_BYTES = 32;
    private static final int LENGTH = 2 + RANDOM_BYTES + MAC_BYTES;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{67}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Integer, byte[]> keys;
    private final int primary;

    /** {@code keys}: key id (0-255) to a secret of at least 32 bytes; {@code primary} signs new tokens. */
    public LinkTokens(Map<Integer, byte[]> keys, int primary) {
        if (!keys.containsKey(primary)) {
            throw new IllegalArgumentException("the primary link key " + primary + " is not among the keys");
        }
        keys.forEach((id, secret) -> {
            if (id < 0 || id > 255 || secret.length < 32) {
                throw new IllegalArgumentException("link key " + id + ": ids are 0-255, secrets at least 32 bytes");
            }
        });
        this.keys = Map.copyOf(keys);
        this.primary = primary;
    }

    /** A new token, signed with the primary key. */
    public String issue() {
        byte[] token = new byte[LENGTH];
        token[0] = VERSION;
        token[1] = (byte) primary;
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        System.arraycopy(random, 0, token, 2, RANDOM_BYTES);
        System.arraycopy(mac(keys.get(primary), token), 0, token, 2 + RANDOM_BYTES, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The token's storage hash if it is well formed and its signature verifies; empty otherwise. */
    public Optional<String> verify(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        // one spelling per token: the last character's two spare bits must be zero
        if (bytes.length != LENGTH || bytes[0] != VERSION
                || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(token)) {
            return Optional.empty();
        }
        byte[] key = keys.get(bytes[1] & 0xFF);
        if (key == null) {
            return Optional.empty();
        }
        byte[] presented = new byte[MAC_BYTES];
        System.arraycopy(bytes, 2 + RANDOM_BYTES, presented, 0, MAC_BYTES);
        return MessageDigest.isEqual(presented, mac(key, bytes)) ? Optional.of(hash(token)) : Optional.empty();
    }

    /**
     * HMAC-SHA-256 of {@code message} under the access-code key of the key that signed {@code token} (derived from it,
     * so a code's check and a token's signature never share a key); empty if the token is not one of ours.
     */
    Optional<byte[]> codeMac(String token, byte[] message) {
        if (verify(token).isEmpty()) {
            return Optional.empty();
        }
        byte[] signingKey = keys.get(Base64.getUrlDecoder().decode(token)[1] & 0xFF);
        byte[] codeKey = hmac(signingKey, CODE_KEY_LABEL);
        return Optional.of(hmac(codeKey, message));
    }

    private static final byte[] CODE_KEY_LABEL = "image-portal share-link access code v1"
            .getBytes(StandardCharsets.US_ASCII);

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client address as the code throttle keeps it: keyed (HMAC under the primary key), never in the clear. */
    public String clientKey(String address) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.get(primary), "HmacSHA256"));
            mac.update("code throttle\0".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(address.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What is stored for a token: SHA-256 of it, hex. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC-SHA-256 over version, key id and random part. */
    private static byte[] mac(byte[] key, byte[] token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(token, 0, 2 + RANDOM_BYTES);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
