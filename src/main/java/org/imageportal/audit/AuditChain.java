package org.imageportal.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The audit trail's hash chain, computed independently of the database that writes it. Each entry's hash is
 * SHA-256 over the previous entry's hash followed by the UTF-8 bytes of its canonical text: the JSON array
 * {@code [seq, at, actor, action, outcome, entity, detail]} printed as PostgreSQL prints jsonb (", " between
 * elements, strings escaped as its escape_json does, {@code at} in UTC with microseconds, {@code detail} as the
 * database prints the stored jsonb). The first entry follows 32 zero bytes. Plain Java.
 */
public final class AuditChain {

    /** What the first entry follows. */
    public static final byte[] GENESIS = new byte[32];

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    /** One stored entry as the verifier reads it ({@code detail} as the database prints it). */
    public record Entry(long seq, long id, OffsetDateTime at, String actor, String action, String outcome,
            String entity, String detail, byte[] prevHash, byte[] hash) {
    }

    /** Where the chain first breaks, and how. */
    public record Break(long seq, long id, String reason) {
    }

    private AuditChain() {
    }

    public static String canonical(long seq, OffsetDateTime at, String actor, String action, String outcome,
            String entity, String detailJson) {
        StringBuilder text = new StringBuilder(128 + detailJson.length());
        text.append('[').append(seq).append(", ");
        string(text, AT.format(at.withOffsetSameInstant(ZoneOffset.UTC))).append(", ");
        string(text, actor).append(", ");
        string(text, action).append(", ");
        string(text, outcome).append(", ");
        string(text, entity).append(", ");
        return text.append(detailJson).append(']').toString();
    }

    public static byte[] hash(byte[] previous, String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous);
            return sha.digest(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A JSON string as PostgreSQL's escape_json writes it; {@code null} as JSON null. */
    private static StringBuilder string(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < ' ') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * Walks entries in chain order and remembers the first break: a missing position (an entry deleted from the
     * middle), an entry that does not follow its predecessor, or an entry whose content no longer gives its hash
     * (an entry altered in place).
     */
    public static final class Verifier {

        private long lastSeq;
        private byte[] lastHash = GENESIS;

        /** From the first entry. */
        public Verifier() {
        }

        /** From the entry after {@code seq}, whose hash is taken as given (an anchored head). */
        public Verifier(long seq, byte[] hash) {
            this.lastSeq = seq;
            this.lastHash = hash.clone();
        }
        private long checked;
        private Break broken;

        public boolean accept(Entry e) {
            if (broken != null) {
                return false;
            }
            checked++;
            if (e.seq() != lastSeq + 1) {
                broken = new Break(e.seq(), e.id(), lastSeq == 0
                        ? "the trail does not start at entry 1 (entries 1 to " + (e.seq() - 1) + " are missing)"
                        : "entries " + (lastSeq + 1) + " to " + (e.seq() - 1) + " are missing before this entry");
            } else if (!Arrays.equals(e.prevHash(), lastHash)) {
                broken = new Break(e.seq(), e.id(), "does not follow entry " + lastSeq
                        + " (the previous hash it recorded differs)");
            } else if (!Arrays.equals(e.hash(), hash(e.prevHash(), canonical(e.seq(), e.at(), e.actor(),
                    e.action(), e.outcome(), e.entity(), e.detail())))) {
                broken = new Break(e.seq(), e.id(), "its content was changed after it was written");
            }
            lastSeq = e.seq();
            lastHash = e.hash();
            return broken == null;
        }

        public long checked() {
            return checked;
        }

        public long lastSeq() {
            return lastSeq;
        }

        public byte[] lastHash() {
            return lastHash.clone();
        }

        public Break broken() {
            return broken;
        }
    }
}
