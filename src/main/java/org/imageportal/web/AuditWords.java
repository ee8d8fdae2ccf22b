package org.imageportal.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.imageportal.platform.text.Words;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The audit trail's codes in words, for the privacy officer: what each recorded action means, how it ended, and its
 * details as a list of named values. The words say only what the entry holds: no id is looked up and nothing about a
 * patient is added. A code without words is shown as it is. Plain Java.
 */
final class AuditWords {

    /** One detail of an entry, named and in words. */
    record Detail(String name, String value) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every action the portal records, in words. */
    static final Map<String, String> ACTIONS = Map.ofEntries(
            Map.entry("access.denied", "Was refused a page or API call"),
            Map.entry("account.activation-expired", "Unused activation expired; account disabled"),
            Map.entry("account.changed", "Account changed in Keycloak"),
            Map.entry("account.credential-changed", "Password or authenticator changed"),
            Map.entry("account.issue", "Tried to issue an account"),
            Map.entry("account.issued", "Issued a portal account"),
            Map.entry("account.linked", "Linked an existing account to a patient"),
            Map.entry("account.mfa-reset", "Reset an account's authenticator"),
            Map.entry("account.reissued", "Issued a new activation code"),
            Map.entry("accounting.delivered", "Delivered an accounting of disclosures"),
            Map.entry("accounting.extended", "Extended an accounting's due date"),
            Map.entry("accounting.report-read", "Read an accounting of disclosures"),
            Map.entry("accounting.requested", "Asked for an accounting of disclosures"),
            Map.entry("audit.anchor", "Anchored the audit trail"),
            Map.entry("audit.search", "Searched the audit trail"),
            Map.entry("audit.verify", "Verified the audit trail"),
            Map.entry("auth.locked-out", "Locked out after failed sign-ins"),
            Map.entry("auth.login", "Signed in"),
            Map.entry("auth.login-failed", "Failed to sign in"),
            Map.entry("auth.logout", "Signed out (Keycloak)"),
            Map.entry("auth.mfa-failed", "Gave a wrong one-time code"),
            Map.entry("auth.role-changed", "Roles of an account changed"),
            Map.entry("config.changed", "Changed Keycloak's realm, clients or sign-in flows"),
            Map.entry("breakglass.ended", "Ended an emergency opening early"),
            Map.entry("breakglass.opened", "Opened a study in an emergency (break-glass)"),
            Map.entry("breakglass.reviewed", "Reviewed an emergency opening"),
            Map.entry("deid.created", "Made a de-identified copy"),
            Map.entry("dimse.association", "DICOM node connected"),
            Map.entry("dimse.peer.create", "Registered a DICOM node"),
            Map.entry("dimse.peer.delete", "Removed a DICOM node"),
            Map.entry("dimse.peer.update", "Changed a DICOM node"),
            Map.entry("disclosure.recorded", "Recorded a disclosure"),
            Map.entry("disclosure.suspension-recorded", "Recorded a suspension of the accounting"),
            Map.entry("identity.verified", "Verified a patient's identity"),
            Map.entry("instance.quarantine", "Received an image into quarantine"),
            Map.entry("instance.retrieve", "Retrieved images"),
            Map.entry("instance.store", "Stored an image"),
            Map.entry("link.code-refused", "Wrong access code for a share link"),
            Map.entry("link.issued", "Issued a share link"),
            Map.entry("link.locked", "Share link locked after wrong access codes"),
            Map.entry("link.opened", "Opened a share link"),
            Map.entry("link.revoked", "Revoked a share link"),
            Map.entry("masterkey.rotate", "Rotated the master key"),
            Map.entry("patient.duplicate-check", "Checked for duplicate patients"),
            Map.entry("patient.registered", "Registered a patient"),
            Map.entry("patient.search", "Searched for patients"),
            Map.entry("patient.viewed", "Viewed a patient's record"),
            Map.entry("provider.registered", "Registered a physician"),
            Map.entry("quarantine.delete", "Deleted an image from quarantine"),
            Map.entry("quarantine.delete-with-study", "Deleted a quarantined image with its study"),
            Map.entry("quarantine.release", "Released an image from quarantine"),
            Map.entry("query.instances", "Searched for images"),
            Map.entry("query.series", "Searched for series"),
            Map.entry("query.studies", "Searched for studies"),
            Map.entry("records-request.extended", "Extended a request for copies"),
            Map.entry("records-request.filed", "Filed a request for copies"),
            Map.entry("records-request.fulfilled", "Fulfilled a request for copies"),
            Map.entry("report.pdf", "Downloaded a report as PDF"),
            Map.entry("report.read", "Read a report"),
            Map.entry("retention.hold", "Put a study on legal hold"),
            Map.entry("retention.release", "Released a legal hold"),
            Map.entry("retention.report", "Read the retention report"),
            Map.entry("session.signout", "Signed out"),
            Map.entry("share.granted", "Shared a study with a physician"),
            Map.entry("share.revoked", "Took back a share"),
            Map.entry("storage.scrub", "Stored image failed its check"),
            Map.entry("study.delete", "Deleted a study"),
            Map.entry("study.download", "Downloaded a study"),
            Map.entry("study.retrieve", "Viewed or retrieved a study"));

    private static final Map<String, String> OUTCOMES = Map.of("success", "Done", "refused", "Refused", "failure",
            "Failed", "failed", "Failed", "error", "Failed", "intact", "Intact", "broken", "Broken", "partial",
            "Partly done", "restored", "Restored");

    /** The names of the details the portal records. */
    private static final Map<String, String> NAMES = Map.ofEntries(Map.entry("account", "Account"),
            Map.entry("accountable", "Counts in the accounting"), Map.entry("anchoredSeq", "Anchored at entry"),
            Map.entry("boundProvider", "Only for physician"), Map.entry("breakGlass", "Emergency opening"),
            Map.entry("brokenAt", "Broken at entry"), Map.entry("criteria", "Searched by"),
            Map.entry("download", "Download allowed"), Map.entry("entries", "Entries"),
            Map.entry("failures", "Wrong codes"), Map.entry("finding", "Finding"), Map.entry("found", "Found"),
            Map.entry("free", "Free of charge"), Map.entry("grant", "Share"), Map.entry("instances", "Images"),
            Map.entry("kind", "Kind"), Map.entry("lines", "Lines"), Map.entry("link", "Share link"),
            Map.entry("method", "Method"), Map.entry("onBehalf", "On the patient's behalf"),
            Map.entry("path", "Path"), Map.entry("address", "Network address"), Map.entry("client", "Client"),
            Map.entry("keycloakEvent", "Keycloak event"), Map.entry("callingAeTitle", "Calling AE title"),
            Map.entry("calledAeTitle", "Called AE title"), Map.entry("primaryKeyId", "Primary key"),
            Map.entry("rewrapped", "Study keys re-wrapped"), Map.entry("patient", "Patient record"),
            Map.entry("problem", "Problem"),
            Map.entry("provider", "Physician"), Map.entry("reason", "Reason"), Map.entry("report", "Report"),
            Map.entry("request", "Request"), Map.entry("role", "Role"), Map.entry("seq", "Entry"),
            Map.entry("series", "Series"), Map.entry("study", "Study"), Map.entry("suspension", "Suspension"),
            Map.entry("until", "Until"), Map.entry("verification", "Verification"));

    private AuditWords() {
    }

    /** The action in words; an unknown code as it is. */
    static String action(String code) {
        return ACTIONS.getOrDefault(code, code);
    }

    static String outcome(String code) {
        return OUTCOMES.getOrDefault(code, code);
    }

    /** What an entry is about ({@code study:<id>}) in words: "Study <id>". */
    static String about(String entity) {
        if (entity == null || entity.isBlank()) {
            return "";
        }
        int colon = entity.indexOf(':');
        String kind = colon < 0 ? entity : entity.substring(0, colon);
        String named = switch (kind) {
            case "study" -> "Study";
            case "patient" -> "Patient record";
            case "instance" -> "Image";
            case "provider" -> "Physician";
            case "account" -> "Account";
            case "audit" -> "The audit trail";
            case "keyring" -> "The master keyring";
            case "retention" -> "Retention";
            default -> kind;
        };
        return colon < 0 ? named : named + " " + entity.substring(colon + 1);
    }

    /** The details of an entry (a JSON object) as named values; text that is no JSON object is one value. */
    static List<Detail> details(String json) {
        List<Detail> out = new ArrayList<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            out.add(new Detail("Detail", json));
            return out;
        }
        if (node == null || !node.isObject()) {
            out.add(new Detail("Detail", json));
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            out.add(new Detail(name(f.getKey()), value(f.getKey(), f.getValue())));
        }
        out.sort(java.util.Comparator.comparing(Detail::name));
        return out;
    }

    /** A detail's name: a known one in words, else its camel case split ("brokenAt": "Broken at"). */
    static String name(String key) {
        String known = NAMES.get(key);
        if (known != null) {
            return known;
        }
        String spaced = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').replace('-', ' ')
                .toLowerCase(java.util.Locale.ROOT);
        return spaced.isEmpty() ? key : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    private static String value(String key, JsonNode v) {
        if (v == null || v.isNull()) {
            return "none";
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? "yes" : "no";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(value(key, e)));
            return parts.isEmpty() ? "none" : String.join(", ", parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.fields().forEachRemaining(e -> parts.add(name(e.getKey()) + ": " + value(e.getKey(), e.getValue())));
            return String.join("; ", parts);
        }
        String text = v.asText();
        if ("criteria".equals(key)) {
            return text.isEmpty()
                    ? "nothing"
                    : String.join(", ", java.util.Arrays.stream(text.split(","))
                            .map(AuditWords::criterion).toList());
        }
        if ("method".equals(key) || "path".equals(key) || "series".equals(key)) {
            // HTTP's words and UIDs are read as they are
            return text;
        }
        try {
            return Words.preciseTime(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Words.label(text);
        }
    }

    /** A search criterion's name (a DICOM keyword or the portal's own) in words. */
    private static String criterion(String name) {
        return switch (name) {
            case "PatientID", "mrn" -> "patient ID";
            case "PatientName", "name" -> "patient's name";
            case "PatientBirthDate", "birthDate" -> "birth date";
            case "StudyDate" -> "study date";
            case "StudyInstanceUID" -> "study UID";
            case "AccessionNumber" -> "accession number";
            case "Modality", "ModalitiesInStudy" -> "modality";
            case "actor" -> "user id";
            case "actors" -> "user's name or role";
            case "from" -> "from date";
            case "to" -> "to date";
            default -> name;
        };
    }
}
