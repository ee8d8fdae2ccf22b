package org.imageportal.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The S3-compatible object store (MinIO in production, S3Proxy locally). */
@ConfigMapping(prefix = "portal.storage")
public interface StorageConfig {

    /** Endpoint URL, e.g. http://minio:9000. */
    String endpoint();

    /** Region to sign requests for. */
    @WithDefault("us-east-1")
    String region();

    /** The one bucket the portal writes to; created at start if missing. */
    String bucket();

    /** Access key id (secret: PORTAL_S3_ACCESS_KEY). */
    String accessKey();

    /** Secret access key (secret: PORTAL_S3_SECRET_KEY). */
    String secretKey();
}
