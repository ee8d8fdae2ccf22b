package org.imageportal.studies;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.storage.MasterKeyring;
import org.imageportal.storage.StudyVault;
import org.imageportal.storage.crypto.WrappedStudyKey;
import org.imageportal.studies.StudyRepository.WrappedKeyRow;
import org.jboss.logging.Logger;

/**
 * Master-key rotation: a new primary master key, every study's data key re-wrapped under it (the images are not
 * touched: they stay encrypted under their unchanged data keys), then the retired master keys are dropped once no
 * study depends on them. With a keyset file (local, dev) the service adds the new key itself; with a keyset from a
 * secret the operator puts the new primary into the secret, restarts, and runs only the re-wrap. Blocking.
 */
@ApplicationScoped
public class MasterKeyRotationService {

    private static final Logger LOG = Logger.getLogger(MasterKeyRotationService.class);
    private static final int BATCH = 200;

    /** What a rotation did. */
    public record Result(long primaryKeyId, int rewrapped, long stillOnRetiredKeys, boolean retiredKeysDropped) {
    }

    private final MasterKeyring keyring;
    private final StudyRepository repository;
    private final StudyVault vault;
    private final AuditTrail audit;

    MasterKeyRotationService(MasterKeyring keyring, StudyRepository repository, StudyVault vault, AuditTrail audit) {
        this.keyring = keyring;
        this.repository = repository;
        this.vault = vault;
        this.audit = audit;
    }

    /**
     * @param newPrimary add a new primary key first (needs a keyset file)
     * @param dropRetired drop the other keys when no study is wrapped by them any more
     */
    public Result rotate(boolean newPrimary, boolean dropRetired) {
        if (newPrimary) {
            if (!keyring.rotatable()) {
                throw new IllegalStateException("the master keyset comes from a secret: add the new primary key to "
                        + "the secret, restart, and re-wrap without adding a key");
            }
            keyring.addPrimary();
        }
        long primary = keyring.currentKeyId();
        int rewrapped = 0;
        List<WrappedKeyRow> batch;
        int previous = -1;
        while (!(batch = repository.keysNotWrappedBy(primary, BATCH).await().indefinitely()).isEmpty()) {
            if (rewrapped == previous) {
                break; // nothing could be replaced in the last round (rows changing underneath): stop and report
            }
            previous = rewrapped;
            for (WrappedKeyRow row : batch) {
                WrappedStudyKey fresh = vault.rewrap(row.key(), row.studyId().toString());
                if (repository.replaceKey(row.studyId(), row.key(), fresh).await().indefinitely()) {
                    rewrapped++;
                }
            }
        }
        long remaining = repository.countKeysNotWrappedBy(primary).await().indefinitely();
        boolean dropped = false;
        if (dropRetired && remaining == 0 && keyring.rotatable() && keyring.size() > 1) {
            keyring.dropRetiredKeys();
            dropped = true;
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("primaryKeyId", primary);
        detail.put("rewrapped", rewrapped);
        detail.put("stillOnRetiredKeys", remaining);
        detail.put("retiredKeysDropped", dropped);
        audit.record("system", "masterkey.rotate", remaining == 0 ? "success" : "partial", "keyring", detail)
                .await().indefinitely();
        LOG.infof("master-key rotation: primary %d, %d study key(s) re-wrapped, %d still on retired keys%s",
                primary, rewrapped, remaining, dropped ? ", retired keys dropped" : "");
        return new Result(primary, rewrapped, remaining, dropped);
    }
}
