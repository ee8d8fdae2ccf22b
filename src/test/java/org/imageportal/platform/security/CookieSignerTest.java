package org.imageportal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CookieSignerTest {

    private final CookieSigner signer = new CookieSigner("k".repeat(32));

    @Test
    void aSignatureVerifiesForItsValueAndPurposeOnly() {
        String sig = signer.sign("csrf", "seed");
        assertThat(signer.verify("csrf", "seed", sig)).isTrue();
        assertThat(signer.verify("csrf", "seed2", sig)).isFalse();
        assertThat(signer.verify("activity", "seed", sig)).isFalse();
        assertThat(signer.verify("csrf", "seed", null)).isFalse();
        assertThat(signer.verify("csrf", "seed", sig.substring(1))).isFalse();
    }

    @Test
    void anotherKeyProducesAnotherSignature() {
        assertThat(new CookieSigner("j".repeat(32)).sign("csrf", "seed")).isNotEqualTo(signer.sign("csrf", "seed"));
    }

    @Test
    void shortKeysAreRefused() {
        assertThatThrownBy(() -> new CookieSigner("short")).hasMessageContaining("portal.security.cookie-key");
    }

    @Test
    void randomTokensCarryAtLeast128Bits() {
        assertThat(CookieSigner.randomToken(16)).hasSizeGreaterThanOrEqualTo(22);
        assertThat(CookieSigner.randomToken(24)).isNotEqualTo(CookieSigner.randomToken(24));
    }
}
