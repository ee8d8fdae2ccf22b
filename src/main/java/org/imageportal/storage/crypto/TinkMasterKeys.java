package org.imageportal.storage.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

/**
 * Master keys held as a Tink AEAD keyset (AES-256-GCM keys): the primary key wraps, every key in the set
 * unwraps, so rotation is "add a key as primary, re-wrap the study keys, then drop the old key".
 */
public final class TinkMasterKeys implements MasterKeys {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KeysetHandle keyset;
    private final Aead aead;

    private TinkMasterKeys(KeysetHandle keyset) {
        try {
            this.keyset = keyset;
            this.aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the master keyset is not an AEAD keyset", e);
        }
    }

    /** Parses a keyset in Tink's JSON format (the secret given to production). */
    public static TinkMasterKeys fromJson(String json) {
        try {
            return new TinkMasterKeys(TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get()));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("the master keyset cannot be parsed", e);
        }
    }

    /** A new keyset with one fresh AES-256-GCM key. */
    public static TinkMasterKeys generate() {
        try {
            return new TinkMasterKeys(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot generate a master key", e);
        }
    }

    /**
     * Reads the keyset file, creating it with a fresh key (readable by the owner only) if it does not exist.
     * For local stacks; production passes the keyset as a secret.
     */
    public static TinkMasterKeys fromFile(Path file, boolean createIfMissing) {
        try {
            if (!Files.exists(file)) {
                if (!createIfMissing) {
                    throw new CryptoException("master keyset file " + file + " does not exist", null);
                }
                TinkMasterKeys fresh = generate();
                fresh.writeTo(file);
                return fresh;
            }
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same keys plus a new one, which becomes primary. */
    public TinkMasterKeys withNewPrimary() {
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
            for (int i = 0; i < builder.size(); i++) {
                builder.getAt(i).setStatus(com.google.crypto.tink.KeyStatus.ENABLED);
            }
            builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId().makePrimary());
            return new TinkMasterKeys(builder.build());
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot add a master key", e);
        }
    }

    /** Only the primary key: what remains once every study key is wrapped by it. */
    public TinkMasterKeys withoutRetiredKeys() {
        try {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder();
            builder.addEntry(KeysetHandle.importKey(keyset.getPrimary().getKey()).withFixedId(
                    keyset.getPrimary().getId()).makePrimary());
            return new TinkMasterKeys(builder.build());
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot drop retired master keys", e);
        }
    }

    public String toJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new CryptoException("cannot serialize the master keyset", e);
        }
    }

    /** Writes the keyset, owner-readable only, replacing the file atomically. */
    public void writeTo(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".master-keyset", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, toJson(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public int size() {
        return keyset.size();
    }

    @Override
    public Aead aead() {
        return aead;
    }

    @Override
    public long currentKeyId() {
        return Integer.toUnsignedLong(keyset.getPrimary().getId());
    }
}
