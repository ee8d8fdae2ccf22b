package org.imageportal.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;

import javax.sql.DataSource;

import org.imageportal.providers.TestNpi;

/** Physicians in tests: the registry entry for an account the test realm made (the invitation has its own tests). */
public final class Physicians {

    private Physicians() {
    }

    /** Registers the provider account under this name and organisation; returns the registry id. */
    public static String register(DataSource db, TestRealm.User user, String name, String organisation)
            throws Exception {
        String id = UUID.randomUUID().toString();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO portal.provider (id, account_subject, name, npi, organisation, email, invited_by) "
                                + "VALUES (?::uuid, ?, ?, ?, ?, ?, 'test')")) {
            s.setString(1, id);
            s.setString(2, user.id());
            s.setString(3, name);
            s.setString(4, TestNpi.random());
            s.setString(5, organisation);
            s.setString(6, user.username() + "@test.example");
            s.executeUpdate();
        }
        return id;
    }
}
