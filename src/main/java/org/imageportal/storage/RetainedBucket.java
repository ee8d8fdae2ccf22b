package org.imageportal.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A versioned S3 bucket under object lock, for records that must outlive whoever administers the bucket: every
 * write is a new version kept in COMPLIANCE mode until its retain-until date (nobody, the root account included, can
 * remove it or shorten that), and a delete only lays a marker on top. Readers see every version, so putting an old
 * object back or deleting one hides nothing. Plain Java, blocking (worker or virtual threads only).
 */
public final class RetainedBucket implements AutoCloseable {

    /** One entry of an object's history: a stored version, or a delete marker laid on top. */
    public record Version(String id, Instant modified, boolean deleteMarker) {
    }

    /** How the bucket is set up: what object lock needs is both. */
    public record Protection(boolean versioning, boolean objectLock) {

        public boolean locked() {
            return versioning && objectLock;
        }
    }

    private static final int LIST_LIMIT = 4 * 1024 * 1024;
    private static final int OBJECT_LIMIT = 64 * 1024;

    private final S3Http http;
    private final String bucket;

    public RetainedBucket(String endpoint, String region, String accessKey, String secretKey, String bucket) {
        this.http = new S3Http(endpoint, region, accessKey, secretKey, 30_000, null);
        this.bucket = bucket;
    }

    public String name() {
        return bucket;
    }

    /**
     * Creates the bucket with object lock (and so versioning) enabled if it does not exist, then tells how it is set
     * up; a store that knows no object lock (it refuses the creation as not implemented) has neither.
     */
    public Protection ensure() {
        S3Http.Reply exists = call("HEAD", null, List.of(), List.of(), null);
        if (exists.status() == 404) {
            S3Http.Reply made = call("PUT", null, List.of(),
                    List.of(new SigV4.Header("x-amz-bucket-object-lock-enabled", "true")), null);
            if (made.status() == 501 || "NotImplemented".equals(made.code())) {
                return new Protection(false, false);
            }
            if (!made.ok() && !"BucketAlreadyOwnedByYou".equals(made.code())) {
                throw refused("bucket creation", made);
            }
        } else if (!exists.ok()) {
            throw refused("bucket check", exists);
        }
        return protection();
    }

    /** Whether versioning and object lock are enabled (GetBucketVersioning, GetObjectLockConfiguration). */
    public Protection protection() {
        S3Http.Reply versioning = call("GET", null, List.<String[]>of(new String[]{"versioning", ""}), List.of(),
                null);
        if (!versioning.ok()) {
            throw refused("versioning check", versioning);
        }
        S3Http.Reply lock = call("GET", null, List.<String[]>of(new String[]{"object-lock", ""}), List.of(), null);
        boolean locked;
        if (lock.ok()) {
            locked = "Enabled".equals(text(parse(lock.body()).getDocumentElement(), "ObjectLockEnabled"));
        } else if (lock.status() == 404 || "ObjectLockConfigurationNotFoundError".equals(lock.code())
                || "NotImplemented".equals(lock.code())) {
            locked = false;
        } else {
            throw refused("object lock check", lock);
        }
        return new Protection("Enabled".equals(text(parse(versioning.body()).getDocumentElement(), "Status")),
                locked);
    }

    /**
     * Stores {@code content} as a new version of {@code key}, retained in COMPLIANCE mode until {@code until}; the
     * store requires its Content-MD5 with a retention, and checks it. Returns the version's id.
     */
    public String putRetained(ObjectKey key, byte[] content, Instant until) {
        String date = DateTimeFormatter.ISO_INSTANT.format(until.truncatedTo(ChronoUnit.SECONDS));
        S3Http.Reply reply = call("PUT", key, List.of(), List.of(
                new SigV4.Header("x-amz-object-lock-mode", "COMPLIANCE"),
                new SigV4.Header("x-amz-object-lock-retain-until-date", date)), content);
        if (!reply.ok()) {
            throw refused("retained put", reply);
        }
        return reply.versionId();
    }

    /** Stores {@code content} as a new version with no retention of its own (what anyone with write rights can). */
    public String put(ObjectKey key, byte[] content) {
        S3Http.Reply reply = call("PUT", key, List.of(), List.of(), content);
        if (!reply.ok()) {
            throw refused("put", reply);
        }
        return reply.versionId();
    }

    /** The content of one version. */
    public byte[] read(ObjectKey key, String versionId) {
        S3Http.Reply reply = call("GET", key, List.<String[]>of(new String[]{"versionId", versionId}), List.of(),
                null);
        if (!reply.ok()) {
            throw refused("versioned get", reply);
        }
        return reply.body();
    }

    /**
     * The history of {@code key}, newest first (ListObjectVersions), read page by page until {@code stop} (a version
     * id already known: it and what is older are left out) or the end.
     */
    public List<Version> history(ObjectKey key, String stop) {
        List<Version> versions = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        while (true) {
            List<String[]> query = new ArrayList<>();
            if (keyMarker != null) {
                query.add(new String[]{"key-marker", keyMarker});
            }
            query.add(new String[]{"prefix", key.value()});
            if (versionMarker != null) {
                query.add(new String[]{"version-id-marker", versionMarker});
            }
            query.add(new String[]{"versions", ""});
            S3Http.Reply reply = call("GET", null, query, List.of(), null);
            if (!reply.ok()) {
                throw refused("version listing", reply);
            }
            Element root = parse(reply.body()).getDocumentElement();
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element e) || !key.value().equals(text(e, "Key"))) {
                    continue; // another key under the same prefix
                }
                boolean marker = "DeleteMarker".equals(e.getLocalName() == null ? e.getTagName() : e.getLocalName());
                if (!marker && !"Version".equals(e.getLocalName() == null ? e.getTagName() : e.getLocalName())) {
                    continue;
                }
                String id = text(e, "VersionId");
                if (id.equals(stop)) {
                    return versions;
                }
                versions.add(new Version(id, Instant.parse(text(e, "LastModified")), marker));
            }
            if (!"true".equals(text(root, "IsTruncated"))) {
                return versions;
            }
            keyMarker = text(root, "NextKeyMarker");
            versionMarker = text(root, "NextVersionIdMarker");
            if (keyMarker.isEmpty() || !keyMarker.equals(key.value())) {
                return versions; // what follows is about other keys
            }
        }
    }

    /** Lays a delete marker on top of {@code key} (a plain DELETE, as anyone with delete rights can). */
    public void delete(ObjectKey key) {
        S3Http.Reply reply = call("DELETE", key, List.of(), List.of(), null);
        if (!reply.ok()) {
            throw refused("delete", reply);
        }
    }

    /** Removes one version for good: refused by the store (403 AccessDenied) while it is retained. */
    public void deleteVersion(ObjectKey key, String versionId) {
        S3Http.Reply reply = call("DELETE", key, List.<String[]>of(new String[]{"versionId", versionId}),
                List.of(), null);
        if (!reply.ok()) {
            throw refused("version delete", reply);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private S3Http.Reply call(String method, ObjectKey key, List<String[]> query, List<SigV4.Header> headers,
            byte[] body) {
        try {
            return http.call(method, bucket, key, query, headers, body, key == null ? LIST_LIMIT : OBJECT_LIMIT);
        } catch (IOException e) {
            throw new StorageException(method.toLowerCase(java.util.Locale.ROOT) + " on the retained bucket failed",
                    e);
        }
    }

    private static StorageException refused(String what, S3Http.Reply reply) {
        return new StorageException(what + " refused",
                new S3Http.StoreAnswer(reply.status(), reply.code()));
    }

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setNamespaceAware(true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new StorageException("the object store's answer is not readable",
                    new IOException(new String(xml, 0, Math.min(xml.length, 200), StandardCharsets.UTF_8), e));
        }
    }

    /** The text of {@code parent}'s first child element named {@code name}, "" if there is none. */
    private static String text(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName() == null ? e.getTagName() : e.getLocalName())) {
                return e.getTextContent().strip();
            }
        }
        return "";
    }
}
