package org.imageportal.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A forged, altered or malformed link token is turned away before anything is looked up: the opening service is
 * built here with no database at all (any lookup would fail), and every such token is simply unavailable.
 */
class LinkOpeningWithoutLookupTest {

    private static final byte[] KEY = "link-signing-key-for-this-test-32".getBytes();

    @Test
    void forgedAlteredAndMalformedTokensNeverReachTheDatabase() {
        LinkTokens tokens = new LinkTokens(Map.of(1, KEY), 1);
        LinkOpeningService openings = new LinkOpeningService(new LinkRepository(null), tokens, null, null, null,
                java.time.Clock.systemUTC(), new org.imageportal.platform.work.CpuPool(), null);
        String genuine = tokens.issue();
        String altered = genuine.substring(0, 10) + (genuine.charAt(10) == 'A' ? 'B' : 'A') + genuine.substring(11);
        String foreign = new LinkTokens(Map.of(1, "another-key-of-at-least-32-bytes!".getBytes()), 1).issue();
        for (String token : new String[]{altered, foreign, "", "not-a-token", genuine + "x", null}) {
            assertThat(openings.available(token).await().indefinitely()).as(String.valueOf(token)).isFalse();
            assertThat(openings.tryCode(token, "12345678", "Amara Okafor", "203.0.113.9", null).await().indefinitely())
                    .isInstanceOf(LinkOpeningService.CodeOutcome.Unavailable.class);
            assertThat(openings.summary(token, "anything").await().indefinitely()).isEmpty();
            assertThat(openings.basis(token, "anything").await().indefinitely()).isEmpty();
            // signing out of a forged link ends nothing and looks nothing up
            openings.signOut(token, "anything").await().indefinitely();
        }
    }
}
