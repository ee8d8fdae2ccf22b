package org.imageportal.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.spec.KeySpec;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** Access codes: 8 digits, stored keyed and bound to the link's token, matched only by the right code. */
class AccessCodesTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final LinkTokens TOKENS = new LinkTokens(Map.of(1, KEY), 1);

    @Test
    void theRightCodeWithItsOwnTokenMatchesAndNothingElseDoes() {
        String token = TOKENS.issue();
        String code = AccessCodes.generate();
        assertThat(code).matches("[0-9]{8}");
        String stored = AccessCodes.hash(code, token, TOKENS);
        assertThat(stored).matches("hmac-sha256-link\\$[A-Za-z0-9+/]{43}=").doesNotContain(code)
                .doesNotContain(token);
        assertThat(AccessCodes.matches(code, token, stored, TOKENS)).isTrue();
        String other = code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
        assertThat(AccessCodes.matches(other, token, stored, TOKENS)).isFalse();
        assertThat(AccessCodes.matches(code, TOKENS.issue(), stored, TOKENS)).as("another link's token").isFalse();
        assertThat(AccessCodes.matches(code, token, stored, new LinkTokens(Map.of(1, new byte[32]), 1)))
                .as("another portal's keys").isFalse();
        assertThat(AccessCodes.matches(null, token, stored, TOKENS)).isFalse();
        assertThat(AccessCodes.matches(code, null, stored, TOKENS)).isFalse();
        assertThat(AccessCodes.matches("12ab5678", token, stored, TOKENS)).isFalse();
        assertThat(AccessCodes.matches(code, token, "plain$text", TOKENS)).isFalse();
        assertThat(AccessCodes.matches(code, token, "hmac-sha256-link$", TOKENS)).isFalse();
        assertThat(AccessCodes.matches(code, token, "pbkdf2-sha256-link$x$AAAA$AAAA", TOKENS)).isFalse();
        assertThatThrownBy(() -> AccessCodes.hash(code, "not-a-token", TOKENS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neitherTheDatabaseNorTheLinkAloneCanTestCodes() throws Exception {
        // a copy of the database holds the stored form and the token's SHA-256; the link carries the token; the
        // link keys are among the portal's secrets
        String token = TOKENS.issue();
        String code = AccessCodes.generate();
        byte[] stored = Base64.getDecoder().decode(AccessCodes.hash(code, token, TOKENS).split("\\$")[1]);
        byte[] message = (code + ":" + token).getBytes(StandardCharsets.US_ASCII);
        assertThat(MessageDigest.getInstance("SHA-256").digest(message)).as("unkeyed, with the link").isNotEqualTo(
                stored);
        assertThat(hmac(KEY, message)).as("under the token's signing key itself").isNotEqualTo(stored);
        assertThat(hmac(hmac(KEY, LinkTokens.hash(token).getBytes(StandardCharsets.US_ASCII)), message))
                .as("keyed by the stored token hash").isNotEqualTo(stored);
        byte[] codeKey = hmac(KEY, "image-portal share-link access code v1".getBytes(StandardCharsets.US_ASCII));
        assertThat(hmac(codeKey, message)).as("only with the derived key and the token").isEqualTo(stored);
    }

    @Test
    void codesStoredAsSlowHashesByEarlierVersionsStillOpenTheirLinks() throws Exception {
        byte[] salt = new byte[16];
        String token = TOKENS.issue();
        String unbound = "pbkdf2-sha256$20000$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2("12345678", salt, 20_000));
        assertThat(AccessCodes.slow(unbound)).isTrue();
        assertThat(AccessCodes.matches("12345678", token, unbound, TOKENS)).isTrue();
        assertThat(AccessCodes.matches("12345679", token, unbound, TOKENS)).isFalse();
        String bound = "pbkdf2-sha256-link$2000$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2("12345678:" + token, salt, 2_000));
        assertThat(AccessCodes.slow(bound)).isTrue();
        assertThat(AccessCodes.matches("12345678", token, bound, TOKENS)).isTrue();
        assertThat(AccessCodes.matches("12345678", TOKENS.issue(), bound, TOKENS)).isFalse();
        assertThat(AccessCodes.slow(AccessCodes.hash("12345678", token, TOKENS))).isFalse();
    }

    static String legacyBoundForm(String code, String token, int iterations) throws Exception {
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        return "pbkdf2-sha256-link$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(code + ":" + token, salt, iterations));
    }

    private static byte[] hmac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) throws Exception {
        KeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    }
}
