package org.imageportal.disclosures;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes disclosure records: who received which of a patient's images, when, for what purpose, under which
 * authority. Always made in one statement with the release's audit event, so a release without its record cannot
 * happen.
 */
@ApplicationScoped
public class DisclosureLog {

    /** Who received it. */
    public enum RecipientKind {
        PROVIDER, LINK
    }

    /** What the recipient did. */
    public enum Action {
        VIEW, DOWNLOAD
    }

    /**
     * One release. {@code description} is generated from the index (modality, description, date, counts);
     * {@code claimedName} is the name a link's recipient gave when opening it (null for accounts).
     */
    public record Disclosure(UUID patient, UUID study, RecipientKind kind, String recipientRef, String recipientName,
            String claimedName, Action action, Map<String, Object> description, String purpose, String basis) {
    }

    /**
     * The statement that records {@code d}, to be made together with its audit event (AuditTrail.recordWith): a failure
     * fails the release. A share is made at the patient's direction, so its disclosures are excepted from the
     * accounting ({@link Exemption#forSharePurpose}) but listed in the full access report.
     */
    public AuditTrail.Change insert(Disclosure d) {
        return new AuditTrail.Change("INSERT INTO portal.disclosure (patient_ref, study_ref, recipient_kind, "
                + "recipient_ref, recipient_name, recipient_claimed, action, description, purpose, basis, category, "
                + "exception) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'EXCEPTED', $11)",
                java.util.Arrays.asList(d.patient(), d.study(), d.kind().name(), d.recipientRef(), d.recipientName(),
                        d.claimedName(), d.action().name(), new JsonObject(d.description()), d.purpose(), d.basis(),
                        Exemption.forSharePurpose(d.purpose()).name()));
    }

    /**
     * A disclosure the privacy officer records by hand (one outside the portal: a letter, a call, a records
     * release on paper), in the caller's transaction with its audit event.
     */
    Uni<Void> insertManual(SqlClient tx, UUID patient, ManualDisclosure d, Instant at, String by) {
        boolean accountable = d.exemption() == null;
        return tx.preparedQuery("INSERT INTO portal.disclosure (at, patient_ref, study_ref, recipient_kind, "
                + "recipient_ref, recipient_name, recipient_address, action, description, purpose, basis, category, "
                + "exception, recorded_by, suspension_ref) VALUES ($1, $2, $3, 'OTHER', 'manual', $4, $5, 'RELEASE', "
                + "$6, $7, 'recorded by the privacy officer', $8, $9, $10, $11)")
                .execute(Tuple.from(Arrays.asList(at.atOffset(ZoneOffset.UTC), patient, d.study(),
                        d.recipientName().strip(), blankToNull(d.recipientAddress()),
                        new JsonObject().put("text", d.description().strip()), d.purpose().strip(),
                        accountable ? "ACCOUNTABLE" : "EXCEPTED", accountable ? null : d.exemption().name(), by,
                        d.suspension())))
                .replaceWithVoid();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
