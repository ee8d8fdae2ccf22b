package org.imageportal.sharing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Access codes of share links: 8 random digits handed over out of band, checked in constant time and stored as
 * {@code hmac-sha256-link$mac}: HMAC-SHA-256 of the code <em>together with the link's token</em>, under a key derived
 * from the link key that signed the token. The token (128 random bits and a signature) is never stored, only its
 * SHA-256, and the link keys live with the portal's secrets, not in the database: a copy of the database cannot test
 * a single code, not even together with the link. A slow hash would add nothing that matters here: an 8-digit code
 * falls to any iteration count once its inputs are known, and online guessing is bounded by the link's lock after five
 * wrong codes and the per-address throttle. Codes stored by earlier versions as salted PBKDF2
 * ({@code pbkdf2-sha256-link$iterations$salt$hash} with the token, {@code pbkdf2-sha256$...} without) are still
 * checked as they were. Plain Java.
 */
public final class AccessCodes {

    static final int DIGITS = 8;
    private static final String KEYED = "hmac-sha256-link";
    private static final String BOUND = "pbkdf2-sha256-link";
    private static final String UNBOUND = "pbkdf2-sha256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccessCodes() {
    }

    public static String generate() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < DIGITS; i++) {
            code.append(RANDOM.nextInt(10));
        }
        return code.toString();
    }

    /** The stored form of {@code code} for the link whose token is {@code token} (one of {@code tokens}' own). */
    public static String hash(String code, String token, LinkTokens tokens) {
        byte[] mac = tokens.codeMac(token, message(code, token))
                .orElseThrow(() -> new IllegalArgumentException("not a token of this portal"));
        return KEYED + "$" + Base64.getEncoder().encodeToString(mac);
    }

    /** Whether the code matches the stored form for this token; malformed input is simply a mismatch. */
    public static boolean matches(String code, String token, String stored, LinkTokens tokens) {
        if (code == null || !code.matches("[0-9]{6,8}") || token == null || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        try {
            if (parts.length == 2 && KEYED.equals(parts[0])) {
                Optional<byte[]> actual = tokens.codeMac(token, message(code, token));
                return actual.isPresent() && MessageDigest.isEqual(Base64.getDecoder().decode(parts[1]), actual.get());
            }
            if (parts.length != 4 || !BOUND.equals(parts[0]) && !UNBOUND.equals(parts[0])) {
                return false;
            }
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            char[] secret = BOUND.equals(parts[0]) ? (code + ":" + token).toCharArray() : code.toCharArray();
            byte[] actual = pbkdf2(secret, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether checking {@code stored} takes a slow hash (a form stored by an earlier version). */
    public static boolean slow(String stored) {
        return stored != null && stored.startsWith("pbkdf2-");
    }

    /** The code and the token as one message (the token is base64url: no separator can be forged). */
    private static byte[] message(String code, String token) {
        return (code + ":" + token).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] pbkdf2(char[] secret, byte[] salt, int iterations) {
        if (iterations < 1 || iterations > 1_000_000) {
            throw new IllegalArgumentException("iterations out of range");
        }
        try {
            KeySpec spec = new PBEKeySpec(secret, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
