package org.imageportal.audit;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The anchor's bucket on the local S3Proxy, which has no object lock: the portal falls back to one plain anchor
 * object, as on a developer's machine, where rolling it back or deleting it is what the trail must still notice.
 */
public class PlainAnchorProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("portal.audit.anchor-endpoint", "${portal.storage.endpoint}");
    }
}
