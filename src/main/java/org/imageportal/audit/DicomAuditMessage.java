package org.imageportal.audit;

import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.imageportal.audit.AuditChain.Entry;
import org.imageportal.audit.AuditVocabulary.Code;
import org.imageportal.audit.AuditVocabulary.Meaning;

/**
 * One audit entry as a DICOM audit message (PS3.15 A.5.1 schema): event identification with EventID, type codes,
 * action, time (UTC) and outcome; the person or recipient as the requesting active participant and, for transfers,
 * the portal as the source; the audit source; the study and patient as participant objects. For a repository
 * reached over mutual TLS, studies and patients are named as the standard names them (Study Instance UID, the
 * Patient ID with its issuer in HL7 CX); everywhere else by the portal's own ids, which the repository may ask the
 * portal to resolve. Entries whose action has no DICOM event give none. Plain Java.
 */
public final class DicomAuditMessage {

    /** The code system of the portal's own object ids. */
    static final String LOCAL_CODES = "99IMGPORTAL";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private DicomAuditMessage() {
    }

    /** A patient as PS3.15 A.5 names one: the Patient ID and the authority that issued it. */
    public record PatientNumber(String patientId, String issuer) {

        /** HL7 CX: {@code id^^^issuer}. */
        String cx() {
            return issuer == null || issuer.isEmpty() ? patientId : patientId + "^^^" + issuer;
        }
    }

    /** What a study is in the standard's terms: its Study Instance UID and its patient. */
    public record StudyIdentity(String studyInstanceUid, PatientNumber patient) {
    }

    /**
     * The standard identifiers of the objects entries are about, by the portal's ids (study and patient row ids).
     * Given only for a repository reached over mutual TLS; without them objects are named by the portal's ids.
     */
    public record Identifiers(Map<String, StudyIdentity> studies, Map<String, PatientNumber> patients) {

        public static final Identifiers NONE = new Identifiers(Map.of(), Map.of());
    }

    /** The message as a document, or empty if the action has no DICOM audit event. */
    public static Optional<String> of(Entry e, AuditSource source) {
        return of(e, source, Identifiers.NONE);
    }

    /** The same, naming studies and patients by their standard identifiers where {@code ids} hold them. */
    public static Optional<String> of(Entry e, AuditSource source, Identifiers ids) {
        if (AuditVocabulary.of(e.action()).eventId() == null) {
            return Optional.empty();
        }
        return Optional.of(document(x -> write(x, e, source, ids)));
    }

    /**
     * Several messages in one document: an {@code AuditMessages} element holding one {@code AuditMessage} per entry
     * that has a DICOM event (a container of the portal's; each message inside follows the schema).
     */
    public static String all(List<Entry> entries, AuditSource source) {
        return document(x -> {
            x.writeStartElement("AuditMessages");
            for (Entry e : entries) {
                if (AuditVocabulary.of(e.action()).eventId() != null) {
                    write(x, e, source, Identifiers.NONE);
                }
            }
            x.writeEndElement();
        });
    }

    private interface Body {

        void write(XMLStreamWriter x) throws XMLStreamException;
    }

    private static String document(Body body) {
        try {
            StringWriter text = new StringWriter();
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            x.writeStartDocument("UTF-8", "1.0");
            body.write(x);
            x.writeEndDocument();
            x.close();
            return text.toString();
        } catch (XMLStreamException ex) {
            throw new IllegalStateException("could not write the audit message", ex);
        }
    }

    private static void write(XMLStreamWriter x, Entry e, AuditSource source, Identifiers ids)
            throws XMLStreamException {
        Meaning meaning = AuditVocabulary.of(e.action());
        x.writeStartElement("AuditMessage");
        eventIdentification(x, e, meaning);
        activeParticipants(x, e, source, meaning);
        auditSourceIdentification(x, source);
        for (AuditObjects.Ref ref : AuditObjects.of(e)) {
            participantObjects(x, ref, ids);
        }
        x.writeEndElement();
    }

    private static void eventIdentification(XMLStreamWriter x, Entry e, Meaning meaning) throws XMLStreamException {
        x.writeStartElement("EventIdentification");
        x.writeAttribute("EventActionCode", meaning.actionCode());
        x.writeAttribute("EventDateTime", UTC.format(e.at().withOffsetSameInstant(ZoneOffset.UTC)));
        String outcome = AuditVocabulary.outcome(e.outcome());
        x.writeAttribute("EventOutcomeIndicator", outcome);
        code(x, "EventID", meaning.eventId());
        for (Code type : meaning.eventTypes()) {
            code(x, "EventTypeCode", type);
        }
        if (!"0".equals(outcome)) {
            x.writeStartElement("EventOutcomeDescription");
            x.writeCharacters(e.outcome());
            x.writeEndElement();
        }
        x.writeEndElement();
    }

    /** The requesting person or recipient; for a transfer, its destination role and the portal as the source. */
    private static void activeParticipants(XMLStreamWriter x, Entry e, AuditSource source, Meaning meaning)
            throws XMLStreamException {
        boolean transfer = meaning.eventId().equals(AuditVocabulary.INSTANCES_TRANSFERRED)
                || meaning.eventId().equals(AuditVocabulary.EXPORT);
        x.writeStartElement("ActiveParticipant");
        x.writeAttribute("UserID", e.actor());
        x.writeAttribute("UserIsRequestor", "true");
        if (transfer) {
            code(x, "RoleIDCode", meaning.eventId().equals(AuditVocabulary.EXPORT)
                    ? AuditVocabulary.DESTINATION_MEDIA
                    : AuditVocabulary.DESTINATION_ROLE);
        }
        x.writeEndElement();
        if (transfer) {
            x.writeStartElement("ActiveParticipant");
            x.writeAttribute("UserID", source.id());
            x.writeAttribute("UserIsRequestor", "false");
            code(x, "RoleIDCode", AuditVocabulary.SOURCE_ROLE);
            x.writeEndElement();
        }
    }

    private static void auditSourceIdentification(XMLStreamWriter x, AuditSource source) throws XMLStreamException {
        x.writeStartElement("AuditSourceIdentification");
        if (source.site() != null) {
            x.writeAttribute("AuditEnterpriseSiteID", source.site());
        }
        x.writeAttribute("AuditSourceID", source.id());
        x.writeEmptyElement("AuditSourceTypeCode");
        x.writeAttribute("csd-code", "4");
        x.writeAttribute("codeSystemName", AuditVocabulary.DCM);
        x.writeAttribute("originalText", "Application Server");
        x.writeEndElement();
    }

    /** A study by its Study Instance UID and its patient, a patient by Patient ID, else by the portal's ids. */
    private static void participantObjects(XMLStreamWriter x, AuditObjects.Ref ref, Identifiers ids)
            throws XMLStreamException {
        StudyIdentity study = "study".equals(ref.kind()) ? ids.studies().get(ref.id()) : null;
        PatientNumber patient = ref.person() ? ids.patients().get(ref.id()) : null;
        if (study != null) {
            participant(x, study.studyInstanceUid(), "2", "3", STUDY_INSTANCE_UID);
            if (study.patient() != null) {
                participant(x, study.patient().cx(), "1", "1", PATIENT_NUMBER);
            }
        } else if (patient != null) {
            participant(x, patient.cx(), "1", "1", PATIENT_NUMBER);
        } else {
            participant(x, ref.id(), ref.person() ? "1" : "2", ref.person() ? "1" : "3", ref.person()
                    ? PATIENT_NUMBER
                    : new Code(ref.kind(), LOCAL_CODES, null, "Portal " + ref.kind() + " id"));
        }
    }

    private static final Code STUDY_INSTANCE_UID = AuditVocabulary.STUDY_INSTANCE_UID;
    private static final Code PATIENT_NUMBER = new Code("2", "RFC-3881", null, "Patient Number");

    private static void participant(XMLStreamWriter x, String id, String type, String role, Code idType)
            throws XMLStreamException {
        x.writeStartElement("ParticipantObjectIdentification");
        x.writeAttribute("ParticipantObjectID", id);
        x.writeAttribute("ParticipantObjectTypeCode", type);
        x.writeAttribute("ParticipantObjectTypeCodeRole", role);
        code(x, "ParticipantObjectIDTypeCode", idType);
        x.writeEndElement();
    }

    private static void code(XMLStreamWriter x, String element, Code code) throws XMLStreamException {
        x.writeEmptyElement(element);
        x.writeAttribute("csd-code", code.code());
        x.writeAttribute("codeSystemName", code.systemName());
        x.writeAttribute("originalText", code.meaning());
    }
}
