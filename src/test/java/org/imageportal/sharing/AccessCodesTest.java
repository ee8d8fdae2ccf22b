package org.imageportal.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.spec.KeySpec;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;

/** Access codes: 8 digits, stored salted and slow, bound to the link's token, matched only by the right code. */
class AccessCodesTest {

    private static final LinkTokens TOKENS = new LinkTokens(java.util.Map.of(1, new byte[32]), 1);

    @Test
    void theRightCodeWithItsOwnTokenMatchesAndNothingElseDoes() {
        String token = TOKENS.issue();
        String code = AccessCodes.generate();
        assertThat(code).matches("[0-9]{8}");
        String stored = AccessCodes.hash(code, token, 2_000);
        assertThat(stored).startsWith("pbkdf2-sha256-link$2000$").doesNotContain(code).doesNotContain(token);
        assertThat(AccessCodes.hash(code, token, 2_000)).as("salted").isNotEqualTo(stored);
        assertThat(AccessCodes.matches(code, token, stored)).isTrue();
        String other = code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
        assertThat(AccessCodes.matches(other, token, stored)).isFalse();
        assertThat(AccessCodes.matches(code, TOKENS.issue(), stored)).as("another link's token").isFalse();
        assertThat(AccessCodes.matches(null, token, stored)).isFalse();
        assertThat(AccessCodes.matches(code, null, stored)).isFalse();
        assertThat(AccessCodes.matches("12ab5678", token, stored)).isFalse();
        assertThat(AccessCodes.matches(code, token, "plain$text")).isFalse();
        assertThat(AccessCodes.matches(code, token, "pbkdf2-sha256-link$x$AAAA$AAAA")).isFalse();
    }

    @Test
    void theDatabaseAloneCannotTestCodes() throws Exception {
        // what a copy of the database holds: the stored form and the token's SHA-256, never the token
        String token = TOKENS.issue();
        String code = AccessCodes.generate();
        String[] stored = AccessCodes.hash(code, token, 1_000).split("\\$");
        byte[] salt = Base64.getDecoder().decode(stored[2]);
        byte[] hash = Base64.getDecoder().decode(stored[3]);
        assertThat(pbkdf2(code, salt, 1_000)).as("the code alone").isNotEqualTo(hash);
        assertThat(pbkdf2(code + ":" + LinkTokens.hash(token), salt, 1_000)).as("with the stored token hash")
                .isNotEqualTo(hash);
        assertThat(pbkdf2(code + ":" + token, salt, 1_000)).as("only with the token itself").isEqualTo(hash);
    }

    @Test
    void codesStoredBeforeTheTokenWasBoundStillOpenTheirLinks() throws Exception {
        byte[] salt = new byte[16];
        String earlier = "pbkdf2-sha256$20000$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2("12345678", salt, 20_000));
        assertThat(AccessCodes.matches("12345678", TOKENS.issue(), earlier)).isTrue();
        assertThat(AccessCodes.matches("12345679", TOKENS.issue(), earlier)).isFalse();
    }

    @Test
    void tooFewIterationsAreRefused() {
        assertThatThrownBy(() -> AccessCodes.hash("12345678", TOKENS.issue(), 999))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] pbkdf2(String secret, byte[] salt, int iterations) throws Exception {
        KeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    }
}
