package org.imageportal.sharing;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Access codes of share links: 8 random digits handed over out of band, stored as a salted PBKDF2-HMAC-SHA-256
 * hash ({@code pbkdf2-sha256$iterations$salt$hash}, so the cost can be raised later) and checked in constant
 * time. Guessing is bounded by the link's lock after a few wrong codes, not by the hash alone. Plain Java.
 */
public final class AccessCodes {

    static final int DIGITS = 8;
    static final int ITERATIONS = 20_000;
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

    public static String hash(String code) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(derive(code, salt, ITERATIONS));
    }

    /** Whether the code matches the stored hash; malformed input is simply a mismatch. */
    public static boolean matches(String code, String stored) {
        if (code == null || !code.matches("[0-9]{6,8}") || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !"pbkdf2-sha256".equals(parts[0])) {
            return false;
        }
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = derive(code, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(String code, byte[] salt, int iterations) {
        try {
            KeySpec spec = new PBEKeySpec(code.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
