package org.imageportal.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Access codes: 8 digits, stored salted and slow, matched only by the right code. */
class AccessCodesTest {

    @Test
    void theRightCodeMatchesAndNothingElseDoes() {
        String code = AccessCodes.generate();
        assertThat(code).matches("[0-9]{8}");
        String stored = AccessCodes.hash(code);
        assertThat(stored).startsWith("pbkdf2-sha256$" + AccessCodes.ITERATIONS + "$").doesNotContain(code);
        assertThat(AccessCodes.hash(code)).as("salted").isNotEqualTo(stored);
        assertThat(AccessCodes.matches(code, stored)).isTrue();
        String other = code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
        assertThat(AccessCodes.matches(other, stored)).isFalse();
        assertThat(AccessCodes.matches(null, stored)).isFalse();
        assertThat(AccessCodes.matches("12ab5678", stored)).isFalse();
        assertThat(AccessCodes.matches(code, "plain$text")).isFalse();
    }
}
