package org.imageportal.sharing;

import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the share-link codec from the configured keys; a malformed key list stops startup, naming the setting. */
@ApplicationScoped
public class LinkKeyring {

    @Produces
    @Singleton
    LinkTokens tokens(SharingConfig config) {
        Map<Integer, byte[]> keys = new HashMap<>();
        try {
            for (String entry : config.linkKeys().split(",")) {
                String[] parts = entry.strip().split(":", 2);
                keys.put(Integer.parseInt(parts[0].strip()), Base64.getDecoder().decode(parts[1].strip()));
            }
            int primary = config.linkPrimaryKey().orElse(Collections.max(keys.keySet()));
            return new LinkTokens(keys, primary);
        } catch (RuntimeException e) {
            throw new IllegalStateException("portal.sharing.link-keys must be id:base64 entries separated by commas "
                    + "(ids 0-255, secrets of at least 32 bytes)");
        }
    }
}
