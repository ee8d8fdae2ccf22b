package org.imageportal.storage;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the master keyset comes from. Exactly one source; in production a secret, never a file in the image. */
@ConfigMapping(prefix = "portal.crypto")
public interface CryptoConfig {

    /** The master keyset in Tink's JSON format (secret: PORTAL_MASTER_KEYSET). Takes precedence over the file. */
    Optional<String> masterKeyset();

    /** A file holding the master keyset (local stacks: under the state folder, mode 0600). */
    Optional<Path> masterKeysetFile();

    /** Create the keyset file with a fresh key when it does not exist (local stacks only). */
    @WithDefault("false")
    boolean createMasterKeyset();

    /**
     * AES-GCM rounds run at start so that the first studies are encrypted and decrypted at full speed rather than
     * at the JIT's cold speed (about a second of one core; 0 turns it off).
     */
    @WithDefault("3000")
    int warmUpRounds();
}
