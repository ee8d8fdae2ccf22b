package org.imageportal.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Share-link tokens: random, signed, rejected when forged or altered, rotatable keys, only a hash stored. */
class LinkTokensTest {

    private static final byte[] K1 = "first-link-signing-key-32-bytes!".getBytes();
    private static final byte[] K2 = "second-link-signing-key-32-bytes".getBytes();

    @Test
    void anIssuedTokenVerifiesToItsHashAndTokensDoNotRepeat() {
        LinkTokens tokens = new LinkTokens(Map.of(1, K1), 1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = tokens.issue();
            assertThat(token).hasSize(67).matches("[A-Za-z0-9_-]+");
            assertThat(tokens.verify(token)).contains(LinkTokens.hash(token));
            assertThat(seen.add(token)).isTrue();
        }
        assertThat(LinkTokens.hash("x")).hasSize(64).isNotEqualTo(LinkTokens.hash("y"));
    }

    @Test
    void everyAlteredCharacterIsRejected() {
        LinkTokens tokens = new LinkTokens(Map.of(1, K1), 1);
        String token = tokens.issue();
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String altered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThat(tokens.verify(altered)).as("position " + i).isEmpty();
        }
    }

    @Test
    void forgedMalformedAndForeignTokensAreRejected() {
        LinkTokens tokens = new LinkTokens(Map.of(1, K1), 1);
        byte[] forged = new byte[50];
        forged[0] = 1;
        forged[1] = 1;
        assertThat(tokens.verify(Base64.getUrlEncoder().withoutPadding().encodeToString(forged))).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("")).isEmpty();
        assertThat(tokens.verify("../../etc/passwd")).isEmpty();
        assertThat(tokens.verify(tokens.issue() + "A")).isEmpty();
        // signed with another key under the same id
        String foreign = new LinkTokens(Map.of(1, K2), 1).issue();
        assertThat(tokens.verify(foreign)).isEmpty();
    }

    @Test
    void keysRotateWithoutBreakingLinksSignedBeforeUntilTheOldKeyIsDropped() {
        String old = new LinkTokens(Map.of(1, K1), 1).issue();
        LinkTokens rotated = new LinkTokens(Map.of(1, K1, 2, K2), 2);
        String fresh = rotated.issue();
        assertThat(Base64.getUrlDecoder().decode(fresh)[1]).isEqualTo((byte) 2);
        assertThat(rotated.verify(old)).isPresent();
        assertThat(rotated.verify(fresh)).isPresent();
        LinkTokens dropped = new LinkTokens(Map.of(2, K2), 2);
        assertThat(dropped.verify(old)).isEmpty();
        assertThat(dropped.verify(fresh)).isPresent();
    }

    @Test
    void weakOrMissingKeysStopConstruction() {
        assertThatThrownBy(() -> new LinkTokens(Map.of(1, "short".getBytes()), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinkTokens(Map.of(1, K1), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LinkTokens(Map.of(300, K1), 300)).isInstanceOf(IllegalArgumentException.class);
    }
}
