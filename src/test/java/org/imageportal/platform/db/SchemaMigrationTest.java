package org.imageportal.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.imageportal.support.DbOwner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * An installation that applied a migration before its comments were reworded migrates on; any other change to an
 * applied migration still stops the migration. Against the suite's database, its history put back afterwards.
 */
@QuarkusTest
class SchemaMigrationTest {

    private static final String VERSION = "15";
    private int current;

    @BeforeEach
    void rememberChecksum() throws Exception {
        current = checksum();
    }

    @AfterEach
    void restoreChecksum() throws Exception {
        setChecksum(current);
    }

    @Test
    void anAppliedMigrationWithItsEarlierWordingIsRealignedAndMigrationGoesOn() throws Exception {
        int earlier = SchemaMigration.reworded().get(VERSION);
        assertThat(earlier).as("the file's wording changed since").isNotEqualTo(current);
        setChecksum(earlier);
        assertThatThrownBy(() -> flyway().validate()).as("plain Flyway refuses the history")
                .isInstanceOf(FlywayValidateException.class);

        SchemaMigration.Outcome outcome = SchemaMigration.migrate(flyway());

        assertThat(outcome.realigned()).containsExactly(VERSION);
        assertThat(checksum()).isEqualTo(current);
        assertThat(SchemaMigration.migrate(flyway()).realigned()).as("nothing left to realign").isEmpty();
    }

    @Test
    void anyOtherChangeToAnAppliedMigrationStillStopsIt() throws Exception {
        setChecksum(current ^ 0x5a5a);

        assertThatThrownBy(() -> SchemaMigration.migrate(flyway())).isInstanceOf(FlywayValidateException.class);
        assertThat(checksum()).as("nothing realigned").isEqualTo(current ^ 0x5a5a);
    }

    private static Flyway flyway() {
        return Flyway.configure().dataSource(DbOwner.url(), DbOwner.user(), DbOwner.password()).schemas("portal")
                .placeholders(Map.of("app_role", DbOwner.appRole())).load();
    }

    private static int checksum() throws Exception {
        try (Connection c = DbOwner.connect();
                PreparedStatement p = c
                        .prepareStatement("SELECT checksum FROM portal.flyway_schema_history WHERE version = ?")) {
            p.setString(1, VERSION);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static void setChecksum(int value) throws Exception {
        try (Connection c = DbOwner.connect();
                PreparedStatement p = c
                        .prepareStatement("UPDATE portal.flyway_schema_history SET checksum = ? WHERE version = ?")) {
            p.setInt(1, value);
            p.setString(2, VERSION);
            p.executeUpdate();
        }
    }
}
