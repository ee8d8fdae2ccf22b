package org.imageportal.storage.crypto;

import java.util.concurrent.LinkedBlockingDeque;

/**
 * Segment-sized buffers for {@link DecryptingStream}, kept for reuse: a study's images are decrypted one after the
 * other, and a fresh pair per image would be 2 MiB zeroed by the allocating thread and collected soon after. At most
 * {@code kept} pairs are kept (the last used first, still warm in the cache); beyond that they are allocated and left
 * to the collector as before. A buffer holds plaintext of whatever object used it last: a stream overwrites it
 * before reading from it and hands out only what it decrypted itself.
 */
final class SegmentBuffers {

    /** A ciphertext segment (plus the one byte read ahead to find the end) and its plaintext. */
    record Pair(byte[] ciphertext, byte[] plaintext) {
    }

    private final int ciphertextCapacity;
    private final int plaintextCapacity;
    private final LinkedBlockingDeque<Pair> kept;

    SegmentBuffers(int ciphertextSegmentSize, int tagBytes, int kept) {
        this.ciphertextCapacity = ciphertextSegmentSize + 1;
        this.plaintextCapacity = ciphertextSegmentSize - tagBytes;
        this.kept = new LinkedBlockingDeque<>(Math.max(1, kept));
    }

    int ciphertextCapacity() {
        return ciphertextCapacity;
    }

    Pair take() {
        Pair pair = kept.pollFirst();
        return pair != null ? pair : new Pair(new byte[ciphertextCapacity], new byte[plaintextCapacity]);
    }

    void give(Pair pair) {
        kept.offerFirst(pair); // false when enough are kept: this one is left to the collector
    }

    /** Pairs waiting for reuse (for tests). */
    int idle() {
        return kept.size();
    }
}
