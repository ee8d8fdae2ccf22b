package org.imageportal.storage.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Envelope encryption: round trip, tamper and swap detection, rotation, crypto-shredding. */
class EnvelopeCryptoTest {

    private final TinkMasterKeys master = TinkMasterKeys.generate();
    private final EnvelopeCrypto crypto = new EnvelopeCrypto(master);

    private static byte[] plaintext(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        byte[] marker = "DICM...DOE^JANE".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, data, 128, marker.length);
        return data;
    }

    private static byte[] encrypt(EnvelopeCrypto.StudyCipher cipher, byte[] data, String objectRef)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream enc = cipher.encrypting(out, objectRef)) {
            enc.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] decrypt(EnvelopeCrypto.StudyCipher cipher, byte[] ciphertext, String objectRef)
            throws IOException {
        try (InputStream in = cipher.decrypting(new ByteArrayInputStream(ciphertext), objectRef)) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripsAcrossSegmentsAndHidesThePlaintext() throws IOException {
        WrappedStudyKey key = crypto.newStudyKey("study-1");
        var cipher = crypto.open(key, "study-1");
        byte[] data = plaintext(3 * 1024 * 1024 + 17);
        byte[] ciphertext = encrypt(cipher, data, "inst-1");
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("DICM")
                .doesNotContain("DOE^JANE");
        assertThat(decrypt(crypto.open(key, "study-1"), ciphertext, "inst-1")).isEqualTo(data);
        // the portal's own reader of the format, with pooled segment buffers (DecryptingStreamTest)
        assertThat(cipher.decrypting(new ByteArrayInputStream(ciphertext), "inst-1"))
                .isInstanceOf(DecryptingStream.class);
    }

    @Test
    void smallValuesSealedInOneCallAreTheStreamFormatAndAuthenticated() throws IOException {
        EnvelopeCrypto.StudyCipher cipher = crypto.open(crypto.newStudyKey("s"), "s");
        // one segment holds 1 MiB less its tag (16) and, in the first segment, the header (40)
        int oneSegment = 1_048_576 - 16 - 40;
        for (int size : new int[]{0, 1, 5_000, oneSegment, oneSegment + 1, 3_000_000}) {
            byte[] data = size < 200 ? new byte[size] : plaintext(size);
            byte[] sealed = cipher.seal(data, "i#metadata");
            if (size <= oneSegment) {
                assertThat(sealed.length).as("header and one tag").isEqualTo(size + 40 + 16);
            }
            // either way round: one-call values read as streams, streams read as values
            assertThat(decrypt(cipher, sealed, "i#metadata")).isEqualTo(data);
            assertThat(cipher.open(encrypt(cipher, data, "i#metadata"), "i#metadata")).isEqualTo(data);
            assertThat(cipher.open(sealed, "i#metadata")).isEqualTo(data);
            assertThatThrownBy(() -> cipher.open(sealed, "j#metadata")).as("bound to its name")
                    .isInstanceOf(IOException.class);
            byte[] flipped = sealed.clone();
            flipped[flipped.length - 1] ^= 1;
            assertThatThrownBy(() -> cipher.open(flipped, "i#metadata")).isInstanceOf(IOException.class);
            byte[] cut = java.util.Arrays.copyOf(sealed, sealed.length - 1);
            assertThatThrownBy(() -> cipher.open(cut, "i#metadata")).isInstanceOf(IOException.class);
        }
        assertThat(java.util.Arrays.equals(cipher.seal(new byte[10], "i"), cipher.seal(new byte[10], "i")))
                .as("a fresh salt and nonce prefix each time").isFalse();
    }

    @Test
    void aFlippedByteFailsInsteadOfServingCorruptData() throws IOException {
        var cipher = crypto.open(crypto.newStudyKey("s"), "s");
        byte[] ciphertext = encrypt(cipher, plaintext(200_000), "i");
        ciphertext[ciphertext.length / 2] ^= 0x01;
        assertThatThrownBy(() -> decrypt(cipher, ciphertext, "i")).isInstanceOf(IOException.class);
    }

    @Test
    void aTruncatedObjectFails() throws IOException {
        var cipher = crypto.open(crypto.newStudyKey("s"), "s");
        byte[] ciphertext = encrypt(cipher, plaintext(2 * 1024 * 1024), "i");
        byte[] truncated = java.util.Arrays.copyOf(ciphertext, 1024 * 1024 + 100);
        assertThatThrownBy(() -> decrypt(cipher, truncated, "i")).isInstanceOf(IOException.class);
    }

    @Test
    void anObjectUnderAnotherInstancesNameIsRejected() throws IOException {
        var cipher = crypto.open(crypto.newStudyKey("s"), "s");
        byte[] ciphertext = encrypt(cipher, plaintext(10_000), "instance-a");
        assertThatThrownBy(() -> decrypt(cipher, ciphertext, "instance-b")).isInstanceOf(IOException.class);
    }

    @Test
    void aStudyKeyCannotBeUsedForAnotherStudy() {
        WrappedStudyKey key = crypto.newStudyKey("study-a");
        assertThatThrownBy(() -> crypto.open(key, "study-b")).isInstanceOf(CryptoException.class);
    }

    @Test
    void destroyingTheStudyKeyMakesTheObjectsUnreadableForever() throws IOException {
        WrappedStudyKey key = crypto.newStudyKey("s");
        byte[] ciphertext = encrypt(crypto.open(key, "s"), plaintext(50_000), "i");
        // crypto-shredding: the wrapped key is deleted; any other key, even a new one for the same study, fails
        WrappedStudyKey replacement = crypto.newStudyKey("s");
        assertThatThrownBy(() -> decrypt(crypto.open(replacement, "s"), ciphertext, "i"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void rotationRewrapsStudyKeysWithoutTouchingTheImages() throws IOException {
        WrappedStudyKey before = crypto.newStudyKey("s");
        byte[] data = plaintext(100_000);
        byte[] ciphertext = encrypt(crypto.open(before, "s"), data, "i");

        TinkMasterKeys rotated = master.withNewPrimary();
        assertThat(rotated.size()).isEqualTo(2);
        assertThat(rotated.currentKeyId()).isNotEqualTo(master.currentKeyId());
        EnvelopeCrypto during = new EnvelopeCrypto(rotated);
        WrappedStudyKey after = during.rewrap(before, "s");
        assertThat(after.masterKeyId()).isEqualTo(rotated.currentKeyId());

        EnvelopeCrypto retired = new EnvelopeCrypto(rotated.withoutRetiredKeys());
        assertThat(decrypt(retired.open(after, "s"), ciphertext, "i")).isEqualTo(data);
        assertThatThrownBy(() -> retired.open(before, "s")).isInstanceOf(CryptoException.class);
    }

    @Test
    void anotherMasterKeyCannotUnwrap() {
        WrappedStudyKey key = crypto.newStudyKey("s");
        EnvelopeCrypto stranger = new EnvelopeCrypto(TinkMasterKeys.generate());
        assertThatThrownBy(() -> stranger.open(key, "s")).isInstanceOf(CryptoException.class);
    }

    @Test
    void theLocalKeysetFileIsCreatedOnceAndOwnerOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("master-keyset.json");
        TinkMasterKeys first = TinkMasterKeys.fromFile(file, true);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        TinkMasterKeys again = TinkMasterKeys.fromFile(file, true);
        assertThat(again.currentKeyId()).isEqualTo(first.currentKeyId());
        assertThatThrownBy(() -> TinkMasterKeys.fromFile(dir.resolve("missing.json"), false))
                .isInstanceOf(CryptoException.class);
    }
}
