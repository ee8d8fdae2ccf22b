package org.imageportal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import jakarta.inject.Inject;

import org.imageportal.audit.AuditChainService;
import org.imageportal.audit.AuditChainService.Verification;
import org.imageportal.demo.DemoSeedService;
import org.imageportal.studies.MasterKeyRotationService;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The portal's entry point. Without arguments it serves until stopped; with a command it runs that maintenance
 * task against the same configuration and exits:
 * <ul>
 * <li>{@code rotate-master-key [--keep-retired]}: new primary master key, every study key re-wrapped, retired keys
 * dropped (kept with {@code --keep-retired}).</li>
 * <li>{@code rewrap-study-keys}: re-wrap under the current primary only (the keyset comes from a secret that
 * already holds the new primary).</li>
 * <li>{@code migrate}: bring the database schema up to date as its owner (PORTAL_DB_OWNER_PASSWORD), then exit;
 * run before the service starts, which itself holds only the application role.</li>
 * <li>{@code verify-audit}: recompute the audit trail's hash chain and compare it with its anchor; exit 0 if
 * intact, 1 naming the first broken entry.</li>
 * <li>{@code seed-demo --link-file PATH}: fill the demonstration realm's database with its demo data (only where
 * {@code portal.demo.enabled} is on, never in prod); again changes nothing. Prints the share link and its access
 * code, kept in PATH between runs; exit 3 if refused.</li>
 * </ul>
 */
@QuarkusMain
public class PortalMain implements QuarkusApplication {

    @Inject
    MasterKeyRotationService rotation;

    @Inject
    AuditChainService auditChain;

    @Inject
    jakarta.enterprise.inject.Instance<DemoSeedService> demo;

    /** Only created for {@code migrate}: the serving process has no owner credentials. */
    @Inject
    jakarta.enterprise.inject.Instance<org.flywaydb.core.Flyway> flyway;

    @Override
    public int run(String... args) {
        if (args.length == 0) {
            Quarkus.waitForExit();
            return 0;
        }
        List<String> options = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "rotate-master-key" -> rotate(true, !options.contains("--keep-retired"));
            case "rewrap-study-keys" -> rotate(false, false);
            case "verify-audit" -> verifyAudit();
            case "migrate" -> migrate();
            case "seed-demo" -> seedDemo(options);
            default -> {
                System.err.println("unknown command " + args[0] + "; commands: migrate, rotate-master-key "
                        + "[--keep-retired], rewrap-study-keys, verify-audit, seed-demo --link-file PATH");
                yield 2;
            }
        };
    }

    private int migrate() {
        var outcome = org.imageportal.platform.db.SchemaMigration.migrate(flyway.get());
        if (!outcome.realigned().isEmpty()) {
            System.out.printf("reworded migrations realigned: %s%n", String.join(", ", outcome.realigned()));
        }
        var result = outcome.result();
        System.out.printf("schema %s: %d migrations applied, now at version %s%n", result.schemaName,
                result.migrationsExecuted, result.targetSchemaVersion == null
                        ? result.initialSchemaVersion
                        : result.targetSchemaVersion);
        return 0;
    }

    private int seedDemo(List<String> options) {
        int at = options.indexOf("--link-file");
        if (at < 0 || at + 1 >= options.size()) {
            System.err.println("usage: seed-demo --link-file PATH");
            return 2;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("portal-demo");
            DemoSeedService.Seeded s = demo.get().seed(DemoSeedService.Cast.standard(), work,
                    Path.of(options.get(at + 1)));
            System.out.printf("demo data: patient record %s; instances stored %d, already there %d; account %s; "
                    + "physician %s; grant %s; share link %s; accounting request %s%n", s.patientId(), s.stored(),
                    s.alreadyStored(), s.accountLinked() ? "linked now" : "linked before",
                    s.physicianRegistered() ? "registered now" : "registered before",
                    s.grantCreated() ? "created" : "kept", s.linkIssued() ? "issued" : "kept",
                    s.accountingRequested() ? "made" : "kept");
            System.out.println("share link: " + s.linkUrl());
            System.out.println("access code: " + s.accessCode());
            return 0;
        } catch (DemoSeedService.Refused e) {
            System.err.println("demo data refused: " + e.getMessage());
            return 3;
        } catch (IOException e) {
            System.err.println("no working folder for the demo data: " + e.getMessage());
            return 1;
        } finally {
            deleteQuietly(work);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir);
        }
    }

    private int verifyAudit() {
        Verification v = auditChain.verify("command:verify-audit").await().indefinitely();
        if (v.intact()) {
            System.out.printf("audit trail intact: %d entries, head %d (%s); anchor %s%n", v.entries(), v.headSeq(),
                    v.headHash(), v.anchor().state());
            return 0;
        }
        System.out.printf("audit trail BROKEN after checking %d entries%n", v.entries());
        if (v.firstBroken() != null) {
            System.out.printf("first broken entry: %d (row id %d): %s%n", v.firstBroken().seq(), v.firstBroken().id(),
                    v.firstBroken().reason());
        }
        System.out.printf("anchor: %s%s%n", v.anchor().state(), v.anchor().seq() == null
                ? ""
                : " (entry " + v.anchor().seq() + " anchored " + v.anchor().at() + ")");
        return 1;
    }

    private int rotate(boolean newPrimary, boolean dropRetired) {
        MasterKeyRotationService.Result result = rotation.rotate(newPrimary, dropRetired);
        System.out.printf("master key %d is primary; %d study key(s) re-wrapped; %d still on retired keys; "
                + "retired keys %s%n", result.primaryKeyId(), result.rewrapped(), result.stillOnRetiredKeys(),
                result.retiredKeysDropped() ? "dropped" : "kept");
        return result.stillOnRetiredKeys() == 0 ? 0 : 1;
    }
}
