package org.imageportal.audit;

import java.util.List;

/**
 * How the portal's audit actions map to the standard audit vocabularies: the DICOM audit message (PS3.15 A.5.3 event
 * IDs and types, DICOM PS3.16 codes) and the IHE Basic Audit Log Patterns profiles of FHIR AuditEvent. Actions no
 * DICOM audit message covers (requests for copies, accounting requests) have no DICOM event and are exported as
 * FHIR AuditEvents only. Plain Java.
 */
public final class AuditVocabulary {

    /** A coded value: code, code system name (DICOM style) and system URI (FHIR style), meaning. */
    public record Code(String code, String systemName, String system, String meaning) {
    }

    /** Which BALP profile an event follows, if any. */
    public enum Pattern {

        READ("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Read"), PATIENT_READ(
                "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead"), QUERY(
                        "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Query"), LOGIN(
                                "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Login"), DISCLOSURE(
                                        "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PrivacyDisclosure.Source"), NONE(
                                                null);

        private final String profile;

        Pattern(String profile) {
            this.profile = profile;
        }

        public String profile() {
            return profile;
        }
    }

    /**
     * The standard meaning of one action: the DICOM EventID (null if none), its EventTypeCodes, the EventActionCode,
     * and the BALP pattern.
     */
    public record Meaning(Code eventId, List<Code> eventTypes, String actionCode, Pattern pattern) {
    }

    static final String DCM = "DCM";
    static final String DCM_URI = "http://dicom.nema.org/resources/ontology/DCM";

    static final Code AUDIT_LOG_USED = dcm("110101", "Audit Log Used");
    /** The type of a participant object's id (DICOM A.5 ParticipantObjectIDTypeCode, a FHIR identifier type). */
    static final Code STUDY_INSTANCE_UID = dcm("110180", "Study Instance UID");
    static final Code INSTANCES_ACCESSED = dcm("110103", "DICOM Instances Accessed");
    static final Code INSTANCES_TRANSFERRED = dcm("110104", "DICOM Instances Transferred");
    static final Code STUDY_DELETED = dcm("110105", "DICOM Study Deleted");
    static final Code EXPORT = dcm("110106", "Export");
    static final Code PATIENT_RECORD = dcm("110110", "Patient Record");
    static final Code QUERY = dcm("110112", "Query");
    static final Code SECURITY_ALERT = dcm("110113", "Security Alert");
    static final Code USER_AUTHENTICATION = dcm("110114", "User Authentication");
    static final Code LOGIN = dcm("110122", "Login");
    static final Code LOGOUT = dcm("110123", "Logout");
    static final Code EMERGENCY_OVERRIDE = dcm("110127", "Emergency Override Started");
    static final Code SECURITY_CONFIGURATION = dcm("110129", "Security Configuration");
    static final Code OBJECT_SECURITY_ATTRIBUTES = dcm("110135", "Object Security Attributes Changed");
    static final Code SECURITY_ROLES_CHANGED = dcm("110136", "Security Roles Changed");
    static final Code USER_SECURITY_ATTRIBUTES = dcm("110137", "User Security Attributes Changed");
    static final Code RESTRICTED_FUNCTION = dcm("110132", "Use of Restricted Function");
    static final Code EMERGENCY_OVERRIDE_STOPPED = dcm("110138", "Emergency Override Stopped");
    static final Code NODE_AUTHENTICATION = dcm("110126", "Node Authentication");
    static final Code SOURCE_ROLE = dcm("110153", "Source Role ID");
    static final Code DESTINATION_ROLE = dcm("110152", "Destination Role ID");
    static final Code DESTINATION_MEDIA = dcm("110154", "Destination Media");

    private AuditVocabulary() {
    }

    static Code dcm(String code, String meaning) {
        return new Code(code, DCM, DCM_URI, meaning);
    }

    /** The standard meaning of a portal audit action. */
    public static Meaning of(String action) {
        return switch (action) {
            case "study.retrieve", "instance.retrieve" -> new Meaning(INSTANCES_TRANSFERRED, List.of(), "R",
                    Pattern.READ);
            case "study.download" -> new Meaning(EXPORT, List.of(), "R", Pattern.READ);
            case "instance.store", "instance.quarantine" -> new Meaning(INSTANCES_TRANSFERRED, List.of(), "C",
                    Pattern.NONE);
            case "quarantine.release" -> new Meaning(INSTANCES_ACCESSED, List.of(), "U", Pattern.NONE);
            case "quarantine.delete" -> new Meaning(INSTANCES_ACCESSED, List.of(), "D", Pattern.NONE);
            case "study.delete" -> new Meaning(STUDY_DELETED, List.of(), "D", Pattern.NONE);
            case "patient.search" -> new Meaning(QUERY, List.of(), "E", Pattern.QUERY);
            case "patient.viewed" -> new Meaning(PATIENT_RECORD, List.of(), "R", Pattern.PATIENT_READ);
            case "identity.verified" -> new Meaning(PATIENT_RECORD, List.of(), "U", Pattern.NONE);
            case "auth.login", "auth.login-failed", "auth.mfa-failed", "link.opened", "link.code-refused",
                    "link.locked" ->
                new Meaning(USER_AUTHENTICATION, List.of(LOGIN), "E", Pattern.LOGIN);
            case "auth.logout", "session.signout" -> new Meaning(USER_AUTHENTICATION, List.of(LOGOUT), "E",
                    Pattern.NONE);
            case "account.issue", "account.issued", "account.reissued", "account.mfa-reset", "account.linked",
                    "account.changed", "account.credential-changed", "auth.locked-out", "provider.registered" ->
                new Meaning(SECURITY_ALERT, List.of(USER_SECURITY_ATTRIBUTES), "E", Pattern.NONE);
            // a request refused for want of rights: a restricted function attempted
            case "access.denied" -> new Meaning(SECURITY_ALERT, List.of(RESTRICTED_FUNCTION), "E", Pattern.NONE);
            // the privacy officer's review, or the opener ending it early, closes the break-glass episode
            case "breakglass.reviewed", "breakglass.ended" ->
                new Meaning(SECURITY_ALERT, List.of(EMERGENCY_OVERRIDE_STOPPED), "E",
                        Pattern.NONE);
            case "retention.hold", "retention.release" -> new Meaning(SECURITY_ALERT,
                    List.of(OBJECT_SECURITY_ATTRIBUTES), "E", Pattern.NONE);
            // de-identified copies: new instances made from the originals
            case "deid.created" -> new Meaning(INSTANCES_ACCESSED, List.of(), "C", Pattern.NONE);
            case "auth.role-changed" -> new Meaning(SECURITY_ALERT, List.of(SECURITY_ROLES_CHANGED), "E",
                    Pattern.NONE);
            case "share.granted", "share.revoked", "link.issued", "link.revoked" -> new Meaning(SECURITY_ALERT,
                    List.of(OBJECT_SECURITY_ATTRIBUTES), "E", Pattern.NONE);
            case "dimse.association" -> new Meaning(SECURITY_ALERT, List.of(NODE_AUTHENTICATION), "E", Pattern.NONE);
            case "dimse.peer.create", "dimse.peer.update", "dimse.peer.delete" -> new Meaning(SECURITY_ALERT,
                    List.of(SECURITY_CONFIGURATION), "E", Pattern.NONE);
            case "masterkey.rotate", "audit.anchor" -> new Meaning(SECURITY_ALERT, List.of(SECURITY_CONFIGURATION),
                    "E", Pattern.NONE);
            case "breakglass.opened" -> new Meaning(SECURITY_ALERT, List.of(EMERGENCY_OVERRIDE), "E", Pattern.NONE);
            case "audit.verify", "audit.search", "accounting.report-read" -> new Meaning(AUDIT_LOG_USED, List.of(),
                    "R", Pattern.NONE);
            default -> new Meaning(null, List.of(), "E", Pattern.NONE);
        };
    }

    /** DICOM / FHIR EventOutcomeIndicator: 0 success, 4 minor failure (refused, denied), 8 serious failure. */
    public static String outcome(String outcome) {
        return switch (outcome) {
            case "success", "intact" -> "0";
            case "failure", "error" -> "8";
            default -> "4";
        };
    }
}
