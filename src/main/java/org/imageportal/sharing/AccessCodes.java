package org.imageportal.sharing;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Access codes of share links: 8 random digits handed over out of band, checked in constant time and stored as a
 * salted PBKDF2-HMAC-SHA-256 hash of the code <em>together with the link's token</em>
 * ({@code pbkdf2-sha256-link$iterations$salt$hash}). The token (128 random bits and a signature) is never stored,
 * only its SHA-256, so a copy of the database alone does not allow trying codes offline at all: it takes the link
 * itself too. The iteration count is then a second layer rather than the only one (an 8-digit code falls to any
 * iteration count once the token is known), and online guessing is bounded by the link's lock after five wrong
 * codes and the per-address throttle. It is kept in the stored form, so it can be raised without breaking issued
 * links. Codes stored before the token was bound ({@code pbkdf2-sha256$...}) are still checked as they were. Plain
 * Java.
 */
public final class AccessCodes {

    static final int DIGITS = 8;
    /** The lowest iteration count configuration may choose. */
    public static final int MIN_ITERATIONS = 1_000;
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

    /** The stored form of {@code code} for the link whose token is {@code token}. */
    public static String hash(String code, String token, int iterations) {
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return BOUND + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(secret(code, token), salt, iterations));
    }

    /** Whether the code matches the stored hash for this token; malformed input is simply a mismatch. */
    public static boolean matches(String code, String token, String stored) {
        if (code == null || !code.matches("[0-9]{6,8}") || token == null || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !BOUND.equals(parts[0]) && !UNBOUND.equals(parts[0])) {
            return false;
        }
        try {
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            char[] secret = BOUND.equals(parts[0]) ? secret(code, token) : code.toCharArray();
            byte[] actual = derive(secret, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The code and the token as one PBKDF2 password (the token is base64url: no separator can be forged). */
    private static char[] secret(String code, String token) {
        return (code + ":" + token).toCharArray();
    }

    private static byte[] derive(char[] secret, byte[] salt, int iterations) {
        try {
            KeySpec spec = new PBEKeySpec(secret, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
