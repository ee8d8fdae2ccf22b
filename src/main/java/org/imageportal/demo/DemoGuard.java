package org.imageportal.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where demonstration data may go: only with the demo setting on, never in the prod profile, and only into the
 * local stack's own pairs of realm and database (the demo realm {@code portal} with the database {@code portal},
 * the test realm {@code portal-test} with {@code portal_test}). A production installation that happens to use the
 * same names is still protected by the profile and the setting.
 */
final class DemoGuard {

    static final Map<String, String> DATABASE_OF_REALM = Map.of("portal", "portal", "portal-test", "portal_test");

    private DemoGuard() {
    }

    /** Why seeding is refused here, or empty when it may go ahead. */
    static Optional<String> refusal(boolean enabled, List<String> profiles, String realm, String database) {
        if (profiles.contains("prod")) {
            return Optional.of("demonstration data is never seeded in the prod profile");
        }
        if (!enabled) {
            return Optional.of("demonstration data is off here (portal.demo.enabled is false)");
        }
        String expected = DATABASE_OF_REALM.get(realm);
        if (expected == null) {
            return Optional.of("the realm " + realm + " is not a demonstration or test realm");
        }
        if (!expected.equals(database)) {
            return Optional.of("the realm " + realm + " goes with the database " + expected + ", not " + database);
        }
        return Optional.empty();
    }

    /** The database name at the end of a PostgreSQL URL ({@code postgresql://host:port/name?options}). */
    static String databaseOf(String url) {
        String path = url.substring(url.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
