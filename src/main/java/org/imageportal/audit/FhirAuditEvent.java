package org.imageportal.audit;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imageportal.audit.AuditChain.Entry;
import org.imageportal.audit.AuditVocabulary.Code;
import org.imageportal.audit.AuditVocabulary.Meaning;
import org.imageportal.audit.AuditVocabulary.Pattern;

/**
 * One audit entry as a FHIR R4 AuditEvent following the IHE Basic Audit Log Patterns where one applies: Read and
 * PatientRead (RESTful read), Query (RESTful search), Login (DICOM User Authentication / Login) and
 * PrivacyDisclosure.Source (DICOM Export / ISO 21089 disclose, for releases to a share link's recipient). Every
 * event also carries the portal's own action as a subtype. Objects are named by the portal's ids. Plain Java; the
 * result is a JSON-ready map.
 */
public final class FhirAuditEvent {

    static final String ACTION_SYSTEM = "urn:imageportal:audit-action";
    private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private static final String RESTFUL = "http://hl7.org/fhir/restful-interaction";
    private static final String LIFECYCLE = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    private static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private static final String IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";
    private static final String DICOM_UID = "urn:dicom:uid";
    private static final java.util.regex.Pattern OID = java.util.regex.Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private FhirAuditEvent() {
    }

    /** The pattern an entry follows: a read by a share link's recipient is a privacy disclosure. */
    static Pattern pattern(Entry e) {
        Pattern p = AuditVocabulary.of(e.action()).pattern();
        return p == Pattern.READ && e.actor().startsWith("link:") ? Pattern.DISCLOSURE : p;
    }

    public static Map<String, Object> of(Entry e, AuditSource source) {
        return of(e, source, DicomAuditMessage.Identifiers.NONE);
    }

    /**
     * The same, naming studies and patients as the standards do where {@code ids} hold them (only for a repository
     * reached over mutual TLS): a study by its Study Instance UID ({@code urn:dicom:uid}), its patient by the Patient
     * ID and its issuer; without them, by the portal's ids.
     */
    public static Map<String, Object> of(Entry e, AuditSource source, DicomAuditMessage.Identifiers ids) {
        Meaning meaning = AuditVocabulary.of(e.action());
        Pattern pattern = pattern(e);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resourceType", "AuditEvent");
        event.put("id", String.valueOf(e.seq()));
        if (pattern.profile() != null) {
            event.put("meta", Map.of("profile", List.of(pattern.profile())));
        }
        putTypeAndSubtypes(event, e, pattern, meaning);
        event.put("action", meaning.actionCode());
        event.put("recorded", UTC.format(e.at().withOffsetSameInstant(ZoneOffset.UTC)));
        String outcome = AuditVocabulary.outcome(e.outcome());
        event.put("outcome", outcome);
        if (!"0".equals(outcome)) {
            event.put("outcomeDesc", e.outcome());
        }
        event.put("agent", agents(e, source));
        event.put("source", auditSource(source));
        List<Map<String, Object>> entities = entities(e, pattern, ids);
        if (!entities.isEmpty()) {
            event.put("entity", entities);
        }
        return event;
    }

    /**
     * The pattern's event type and subtype; an entry that follows no pattern is typed by its DICOM event. Every
     * event's last subtype is the portal's own action.
     */
    private static void putTypeAndSubtypes(Map<String, Object> event, Entry e, Pattern pattern, Meaning meaning) {
        List<Map<String, Object>> subtypes = new ArrayList<>();
        switch (pattern) {
            case READ, PATIENT_READ -> {
                event.put("type", coding(EVENT_TYPE, "rest", "RESTful Operation"));
                subtypes.add(coding(RESTFUL, "read", "read"));
            }
            case QUERY -> {
                event.put("type", coding(EVENT_TYPE, "rest", "RESTful Operation"));
                subtypes.add(coding(RESTFUL, "search", "search"));
            }
            case LOGIN -> {
                event.put("type", coding(AuditVocabulary.USER_AUTHENTICATION));
                subtypes.add(coding(AuditVocabulary.LOGIN));
            }
            case DISCLOSURE -> {
                event.put("type", coding(AuditVocabulary.EXPORT));
                subtypes.add(coding(LIFECYCLE, "disclose", "Disclose Record Lifecycle Event"));
            }
            case NONE -> {
                event.put("type", meaning.eventId() != null
                        ? coding(meaning.eventId())
                        : coding(ACTION_SYSTEM, e.action(), e.action()));
                meaning.eventTypes().forEach(t -> subtypes.add(coding(t)));
            }
        }
        subtypes.add(coding(ACTION_SYSTEM, e.action(), e.action()));
        event.put("subtype", subtypes);
    }

    /** Who asked, then the portal that answered. */
    private static List<Map<String, Object>> agents(Entry e, AuditSource source) {
        List<Map<String, Object>> agents = new ArrayList<>();
        agents.add(requestor(e));
        agents.add(portalAgent(source));
        return agents;
    }

    /** The person or recipient who asked, as the entry names them. */
    private static Map<String, Object> requestor(Entry e) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("type", Map.of("coding", List.of(coding(AuditVocabulary.DESTINATION_ROLE))));
        user.put("who", Map.of("identifier", Map.of("value", e.actor())));
        user.put("requestor", true);
        return user;
    }

    /** The portal, which served the request. */
    private static Map<String, Object> portalAgent(AuditSource source) {
        Map<String, Object> portal = new LinkedHashMap<>();
        portal.put("type", Map.of("coding", List.of(coding(AuditVocabulary.SOURCE_ROLE))));
        portal.put("who", Map.of("display", source.id()));
        portal.put("requestor", false);
        return portal;
    }

    private static Map<String, Object> auditSource(AuditSource source) {
        Map<String, Object> src = new LinkedHashMap<>();
        if (source.site() != null) {
            src.put("site", source.site());
        }
        src.put("observer", Map.of("display", source.id()));
        src.put("type", List.of(coding(SOURCE_TYPE, "4", "Application Server")));
        return src;
    }

    /** The objects the entry is about and, for a search, the query itself. */
    private static List<Map<String, Object>> entities(Entry e, Pattern pattern, DicomAuditMessage.Identifiers ids) {
        List<Map<String, Object>> entities = new ArrayList<>();
        Map<String, Object> role = pattern == Pattern.QUERY
                ? coding(OBJECT_ROLE, "24", "Query")
                : coding(OBJECT_ROLE, "4", "Domain Resource");
        for (AuditObjects.Ref ref : AuditObjects.of(e)) {
            addObject(entities, ref, role, ids);
        }
        if (pattern == Pattern.QUERY) {
            entities.add(queryEntity(e));
        }
        return entities;
    }

    /** A study by its Study Instance UID and its patient, a patient by Patient ID, else by the portal's ids. */
    private static void addObject(List<Map<String, Object>> entities, AuditObjects.Ref ref, Map<String, Object> role,
            DicomAuditMessage.Identifiers ids) {
        DicomAuditMessage.StudyIdentity study = "study".equals(ref.kind()) ? ids.studies().get(ref.id()) : null;
        DicomAuditMessage.PatientNumber patient = ref.person() ? ids.patients().get(ref.id()) : null;
        if (study != null) {
            entities.add(studyEntity(study));
            if (study.patient() != null) {
                entities.add(patientEntity(study.patient()));
            }
        } else if (patient != null) {
            entities.add(patientEntity(patient));
        } else {
            entities.add(entity(Map.of("system", "urn:imageportal:" + ref.kind(), "value", ref.id()),
                    ref.person(), ref.person() ? coding(OBJECT_ROLE, "1", "Patient") : role));
        }
    }

    private static Map<String, Object> studyEntity(DicomAuditMessage.StudyIdentity study) {
        Map<String, Object> uid = new LinkedHashMap<>();
        uid.put("type", concept(AuditVocabulary.STUDY_INSTANCE_UID));
        uid.put("system", DICOM_UID);
        uid.put("value", "urn:oid:" + study.studyInstanceUid());
        return entity(uid, false, coding(OBJECT_ROLE, "3", "Report"));
    }

    /** The query itself: which search, never the values searched for (they are PHI). */
    private static Map<String, Object> queryEntity(Entry e) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("type", coding(ENTITY_TYPE, "2", "System Object"));
        query.put("role", coding(OBJECT_ROLE, "24", "Query"));
        query.put("query", java.util.Base64.getEncoder().encodeToString(e.action().getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        return query;
    }

    private static Map<String, Object> entity(Map<String, Object> identifier, boolean person,
            Map<String, Object> role) {
        Map<String, Object> entity = new LinkedHashMap<>();
        entity.put("what", Map.of("identifier", identifier));
        entity.put("type", person ? coding(ENTITY_TYPE, "1", "Person") : coding(ENTITY_TYPE, "2", "System Object"));
        entity.put("role", role);
        return entity;
    }

    /** The patient by Patient ID (a medical record number) in the namespace of its issuer. */
    private static Map<String, Object> patientEntity(DicomAuditMessage.PatientNumber patient) {
        Map<String, Object> identifier = new LinkedHashMap<>();
        identifier.put("type", Map.of("coding", List.of(coding(IDENTIFIER_TYPE, "MR", "Medical record number"))));
        identifier.put("system", issuerSystem(patient.issuer()));
        identifier.put("value", patient.patientId());
        if (patient.issuer() != null && !patient.issuer().isEmpty()) {
            identifier.put("assigner", Map.of("display", patient.issuer()));
        }
        return entity(identifier, true, coding(OBJECT_ROLE, "1", "Patient"));
    }

    /** An issuer that is an OID as {@code urn:oid:}; any other as a name under the portal's namespace. */
    static String issuerSystem(String issuer) {
        if (issuer == null || issuer.isEmpty()) {
            return "urn:imageportal:patient-id";
        }
        if (OID.matcher(issuer).matches()) {
            return "urn:oid:" + issuer;
        }
        return "urn:imageportal:patient-id:" + java.net.URLEncoder.encode(issuer, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> concept(Code code) {
        return Map.of("coding", List.of(coding(code)));
    }

    private static Map<String, Object> coding(Code code) {
        return coding(code.system(), code.code(), code.meaning());
    }

    private static Map<String, Object> coding(String system, String code, String display) {
        Map<String, Object> coding = new LinkedHashMap<>();
        coding.put("system", system);
        coding.put("code", code);
        coding.put("display", display);
        return coding;
    }
}
