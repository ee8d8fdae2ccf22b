package org.imageportal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.HexFormat;

import org.imageportal.audit.AuditChain.Entry;
import org.imageportal.audit.AuditChain.Verifier;
import org.junit.jupiter.api.Test;

/** The chain arithmetic on its own: canonical text, hashing, and what the verifier names. */
class AuditChainUnitTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2026-11-27T10:15:30.123456+01:00");

    @Test
    void theCanonicalTextIsTheJsonArrayPostgresPrints() {
        assertThat(AuditChain.canonical(7, AT, "a\"b\\c\n\u0001é", "study.retrieve", "success", null,
                "{\"instances\": 3}"))
                .isEqualTo("[7, \"2026-11-27T09:15:30.123456Z\", \"a\\\"b\\\\c\\n\\u0001é\", \"study.retrieve\", "
                        + "\"success\", null, {\"instances\": 3}]");
    }

    @Test
    void theHashCoversThePreviousHashAndTheText() {
        byte[] h = AuditChain.hash(AuditChain.GENESIS, "x");
        // SHA-256 of 32 zero bytes followed by "x", as sha256sum computes it
        assertThat(HexFormat.of().formatHex(h)).hasSize(64);
        assertThat(AuditChain.hash(AuditChain.GENESIS, "x")).isEqualTo(h);
        assertThat(AuditChain.hash(h, "x")).isNotEqualTo(h);
        assertThat(AuditChain.hash(AuditChain.GENESIS, "y")).isNotEqualTo(h);
    }

    private static Entry entry(long seq, byte[] prev, String action) {
        String detail = "{}";
        byte[] hash = AuditChain.hash(prev, AuditChain.canonical(seq, AT, "u", action, "success", "e", detail));
        return new Entry(seq, seq + 100, AT, "u", action, "success", "e", detail, prev, hash);
    }

    @Test
    void theVerifierAcceptsAnUnbrokenChainAndNamesTheFirstBreak() {
        Entry one = entry(1, AuditChain.GENESIS, "a");
        Entry two = entry(2, one.hash(), "b");
        Entry three = entry(3, two.hash(), "c");
        Verifier ok = new Verifier();
        assertThat(ok.accept(one) && ok.accept(two) && ok.accept(three)).isTrue();
        assertThat(ok.broken()).isNull();
        assertThat(ok.checked()).isEqualTo(3);

        Entry altered = new Entry(2, 102, AT, "u", "b-changed", "success", "e", "{}", one.hash(), two.hash());
        Verifier changed = new Verifier();
        changed.accept(one);
        assertThat(changed.accept(altered)).isFalse();
        assertThat(changed.broken().seq()).isEqualTo(2);
        assertThat(changed.broken().id()).isEqualTo(102);
        assertThat(changed.broken().reason()).contains("changed");
        assertThat(changed.accept(three)).isFalse();
        assertThat(changed.broken().seq()).isEqualTo(2);

        Verifier gap = new Verifier();
        gap.accept(one);
        gap.accept(three);
        assertThat(gap.broken().seq()).isEqualTo(3);
        assertThat(gap.broken().reason()).contains("entries 2 to 2 are missing");

        Verifier relinked = new Verifier();
        relinked.accept(one);
        relinked.accept(entry(2, AuditChain.GENESIS, "b"));
        assertThat(relinked.broken().reason()).contains("does not follow entry 1");

        Verifier headless = new Verifier();
        headless.accept(two);
        assertThat(headless.broken().reason()).contains("does not start at entry 1");
    }
}
