package org.imageportal.platform.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Brings the schema up to date. Before migrating, an applied migration whose recorded checksum is the one its
 * earlier, comment-only wording had ({@code db/reworded-migrations.properties}) is realigned with the current file;
 * any other mismatch, or a mismatch of a migration not listed, stops the migration as Flyway would.
 */
public final class SchemaMigration {

    static final String REWORDED = "db/reworded-migrations.properties";

    private SchemaMigration() {
    }

    /** What was realigned (versions) and what was migrated. */
    public record Outcome(List<String> realigned, MigrateResult result) {
    }

    public static Outcome migrate(Flyway flyway) {
        List<String> realigned = realignReworded(flyway);
        return new Outcome(realigned, flyway.migrate());
    }

    static List<String> realignReworded(Flyway flyway) {
        ValidateResult validation = flyway.validateWithResult();
        if (validation.validationSuccessful || validation.invalidMigrations == null) {
            return List.of();
        }
        Map<String, Integer> earlier = reworded();
        Map<String, Integer> applied = new TreeMap<>();
        for (MigrationInfo info : flyway.info().applied()) {
            if (info.getVersion() != null && info.getChecksum() != null) {
                applied.put(info.getVersion().getVersion(), info.getChecksum());
            }
        }
        List<String> versions = new java.util.ArrayList<>();
        if (validation.invalidMigrations.isEmpty()) {
            return versions;
        }
        for (ValidateOutput invalid : validation.invalidMigrations) {
            if (invalid.errorDetails != null
                    && invalid.errorDetails.errorCode == CoreErrorCode.RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED) {
                continue; // pending: what the migration is for
            }
            boolean checksumOnly = invalid.errorDetails != null
                    && invalid.errorDetails.errorCode == CoreErrorCode.CHECKSUM_MISMATCH;
            Integer known = earlier.get(invalid.version);
            if (!checksumOnly || known == null || !known.equals(applied.get(invalid.version))) {
                // not a known rewording: leave it to Flyway to refuse
                return List.of();
            }
            versions.add(invalid.version);
        }
        if (versions.isEmpty()) {
            return versions;
        }
        // every mismatch is a comment-only rewording: record the current checksums
        flyway.repair();
        return versions;
    }

    static Map<String, Integer> reworded() {
        Properties p = new Properties();
        try (InputStream in = SchemaMigration.class.getClassLoader().getResourceAsStream(REWORDED)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> out = new TreeMap<>();
        p.forEach((k, v) -> out.put(k.toString().strip(), Integer.valueOf(v.toString().strip())));
        return out;
    }
}
