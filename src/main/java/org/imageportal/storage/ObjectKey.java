package org.imageportal.storage;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The name of a stored object: opaque and random, so that no name, MRN, UID or file name ever reaches the
 * storage provider, its logs or its listings.
 */
public record ObjectKey(String value) {

    private static final Pattern FORMAT = Pattern.compile("[a-z]+/[0-9a-f]{2}/[0-9a-f-]{36}");

    public ObjectKey {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not an object key");
        }
    }

    /** A new key under a kind folder (e.g. {@code i} for instances); the two-hex prefix spreads listings. */
    public static ObjectKey random(String kind) {
        String id = UUID.randomUUID().toString();
        return new ObjectKey(kind + "/" + id.substring(0, 2) + "/" + id);
    }

    @Override
    public String toString() {
        return value;
    }
}
