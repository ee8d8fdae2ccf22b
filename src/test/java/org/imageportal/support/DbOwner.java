package org.imageportal.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A connection as the schema owner (not the portal's app role), for tests that must take a privilege away from the
 * portal to force a failure, and give it back.
 */
public final class DbOwner {

    private DbOwner() {
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    /** The test database's JDBC URL. */
    public static String url() {
        return "jdbc:postgresql://" + env("PORTAL_DB_HOST", "127.0.0.1") + ":" + env("PORTAL_DB_PORT", "5432") + "/"
                + env("PORTAL_DB_NAME", "portal_test");
    }

    public static String user() {
        return env("PORTAL_DB_OWNER_USER", "portal_owner");
    }

    public static String password() {
        return System.getenv("PORTAL_DB_OWNER_PASSWORD");
    }

    /** The portal's database role. */
    public static String appRole() {
        return env("PORTAL_DB_APP_USER", "portal_app");
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }
}
