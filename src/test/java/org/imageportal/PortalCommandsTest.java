package org.imageportal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.imageportal.support.DbOwner;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** The maintenance commands of the portal binary, as `infra/portal rotate-master-key` runs them. */
@QuarkusMainTest
class PortalCommandsTest {

    private static final Path KEYSET = Path.of(System.getenv("PORTAL_STATE_DIR"), "keys", "test-master-keyset.json");

    @Test
    void rotateMasterKeyPutsANewPrimaryInTheKeyFileAndReports(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult first = launcher.launch("rotate-master-key");
        assertThat(first.exitCode()).isZero();
        String keyset = Files.readString(KEYSET);
        assertThat(first.getOutput()).containsPattern("master key \\d+ is primary; \\d+ study key\\(s\\) re-wrapped; "
                + "0 still on retired keys; retired keys (dropped|kept)");
        String primary = first.getOutput().replaceAll("(?s).*master key (\\d+) is primary.*", "$1");
        assertThat(keyset).contains("\"primaryKeyId\":" + primary);

        LaunchResult second = launcher.launch("rotate-master-key", "--keep-retired");
        assertThat(second.exitCode()).isZero();
        String next = second.getOutput().replaceAll("(?s).*master key (\\d+) is primary.*", "$1");
        assertThat(next).isNotEqualTo(primary);
        assertThat(second.getOutput()).contains("retired keys kept");
        assertThat(Files.readString(KEYSET)).contains("\"primaryKeyId\":" + next).contains(primary);
    }

    @Test
    void verifyAuditReportsAnIntactChainAndNamesAnAlteredEntry(QuarkusMainLauncher launcher) throws Exception {
        LaunchResult intact = launcher.launch("verify-audit");
        assertThat(intact.exitCode()).as(intact.getOutput()).isZero();
        assertThat(intact.getOutput()).containsPattern("audit trail intact: \\d+ entries, head \\d+");

        long seq;
        String original;
        try (Connection owner = DbOwner.connect(); Statement s = owner.createStatement()) {
            // the verification's own entry, at least, once sealed as readers of the chain do
            s.execute("SELECT portal.audit_seal(1000000, true)");
            ResultSet r = s.executeQuery("SELECT seq, outcome FROM portal.audit_event WHERE seq IS NOT NULL "
                    + "ORDER BY seq LIMIT 1");
            assertThat(r.next()).isTrue();
            seq = r.getLong(1);
            original = r.getString(2);
            s.executeUpdate("UPDATE portal.audit_event SET outcome = 'rewritten' WHERE seq = " + seq);
        }
        try {
            LaunchResult broken = launcher.launch("verify-audit");
            assertThat(broken.exitCode()).isEqualTo(1);
            assertThat(broken.getOutput()).contains("audit trail BROKEN", "first broken entry: " + seq + " ");
        } finally {
            try (Connection owner = DbOwner.connect();
                    PreparedStatement p = owner.prepareStatement(
                            "UPDATE portal.audit_event SET outcome = ? WHERE seq = ?")) {
                p.setString(1, original);
                p.setLong(2, seq);
                p.executeUpdate();
            }
        }
        assertThat(launcher.launch("verify-audit").exitCode()).isZero();
    }

    @Test
    @Launch(value = "no-such-command", exitCode = 2)
    void anUnknownCommandIsRefusedWithTheList(LaunchResult result) {
        assertThat(result.getErrorOutput()).contains("unknown command no-such-command")
                .contains("rotate-master-key");
    }

    @Test
    void seedDemoAsksForTheLinkFileAndRefusesARealmWithoutTheDemoUsers(QuarkusMainLauncher launcher)
            throws Exception {
        LaunchResult usage = launcher.launch("seed-demo");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.getErrorOutput()).contains("usage: seed-demo --link-file PATH");

        // the test realm has no user alice: the command reaches Keycloak and stops before writing anything
        Path linkFile = Files.createTempDirectory("demo-link").resolve("link.properties");
        LaunchResult refused = launcher.launch("seed-demo", "--link-file", linkFile.toString());
        assertThat(refused.exitCode()).as(refused.getErrorOutput()).isEqualTo(3);
        assertThat(refused.getErrorOutput()).contains("demo data refused", "has no user alice");
        assertThat(linkFile).doesNotExist();
    }
}
