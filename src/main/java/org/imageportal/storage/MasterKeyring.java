package org.imageportal.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.imageportal.storage.crypto.CryptoException;
import org.imageportal.storage.crypto.EnvelopeCrypto;
import org.imageportal.storage.crypto.MasterKeys;
import org.imageportal.storage.crypto.TinkMasterKeys;
import org.jboss.logging.Logger;

import com.google.crypto.tink.Aead;

/**
 * The master keys of this portal, loaded once at start from a secret or the local keyset file. Rotation adds a new
 * primary key (kept in the file when there is one); once every study key is re-wrapped, the old keys are dropped.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class MasterKeyring implements MasterKeys {

    private static final Logger LOG = Logger.getLogger(MasterKeyring.class);

    private final Optional<java.nio.file.Path> file;
    private volatile TinkMasterKeys keys;

    MasterKeyring(CryptoConfig config) {
        if (config.masterKeyset().isPresent()) {
            this.file = Optional.empty();
            this.keys = TinkMasterKeys.fromJson(config.masterKeyset().get());
        } else if (config.masterKeysetFile().isPresent()) {
            this.file = config.masterKeysetFile();
            this.keys = TinkMasterKeys.fromFile(file.get(), config.createMasterKeyset());
        } else {
            throw new CryptoException(
                    "no master keyset: set portal.crypto.master-keyset (PORTAL_MASTER_KEYSET) or portal.crypto.master-keyset-file",
                    null);
        }
        LOG.infof("master keyset loaded (%d key(s), primary %d)", keys.size(), keys.currentKeyId());
    }

    @Override
    public Aead aead() {
        return keys.aead();
    }

    @Override
    public long currentKeyId() {
        return keys.currentKeyId();
    }

    public int size() {
        return keys.size();
    }

    /** Whether rotation can be done here (a keyset file) rather than by replacing the secret. */
    public boolean rotatable() {
        return file.isPresent();
    }

    /** Adds a new primary key and persists the keyset; existing wraps stay readable. */
    public synchronized long addPrimary() {
        TinkMasterKeys next = keys.withNewPrimary();
        persist(next);
        keys = next;
        LOG.infof("master key rotated: new primary %d", next.currentKeyId());
        return next.currentKeyId();
    }

    /** Drops every key but the primary; call only when nothing is wrapped by the others any more. */
    public synchronized void dropRetiredKeys() {
        TinkMasterKeys next = keys.withoutRetiredKeys();
        persist(next);
        keys = next;
        LOG.info("retired master keys dropped");
    }

    private void persist(TinkMasterKeys next) {
        if (file.isEmpty()) {
            throw new IllegalStateException("the master keyset comes from a secret; rotate it there");
        }
        try {
            next.writeTo(file.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Produces
    @Singleton
    EnvelopeCrypto envelopeCrypto() {
        return new EnvelopeCrypto(this);
    }
}
