package org.imageportal.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The audit trail in the standard formats: each event as a DICOM audit message carrying the elements the PS3.15
 * A.5.1 schema requires, and as a FHIR AuditEvent with the elements of its IHE BALP pattern (disclosure, read,
 * query, login); searched by patient, user, time and action.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditExportTest {

    @Inject
    DataSource db;

    String officer;
    PatientWithStudy p;
    ShareLinks.Issued link;
    String registryId;
    String frontdeskSubject;

    /** Once, before the first test (RestAssured reaches the portal only from the first test on). */
    @BeforeEach
    void setUp() throws Exception {
        if (p != null) {
            return;
        }
        officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        p = PatientWithStudy.create(db, 6201);
        registryId = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                p.patient().id());
        link = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of("download", true));
        String session = ShareLinks.openSession(link);
        given().cookie("portal_link", session).get(link.path() + "/download").then().statusCode(200);
        given().auth().oauth2(p.ownerToken()).get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then()
                .statusCode(200);
        TestRealm.User desk = TestRealm.createUser("frontdesk");
        frontdeskSubject = desk.id();
        given().auth().oauth2(TestRealm.mfaToken(desk)).queryParam("mrn", p.patient().id()).get("/api/patients")
                .then().statusCode(200);
    }

    private long seqOf(String actor, String action) {
        List<Long> found = given().auth().oauth2(officer).queryParam("actor", actor).queryParam("action", action)
                .get("/api/audit/events").then().statusCode(200).extract().jsonPath().getList("seq", Long.class);
        assertThat(found).as("%s by %s", action, actor).isNotEmpty();
        return found.getFirst();
    }

    private Element dicom(long seq) throws Exception {
        byte[] xml = given().auth().oauth2(officer).get("/api/audit/events/" + seq + "/dicom").then().statusCode(200)
                .contentType("application/xml").extract().asByteArray();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        return doc.getDocumentElement();
    }

    private static String at(Element root, String xpath) throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        return (String) x.evaluate(xpath, root, XPathConstants.STRING);
    }

    private static int count(Element root, String xpath) throws Exception {
        return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, root, XPathConstants.NODESET))
                .getLength();
    }

    /** What the A.5.1 schema requires of every message. */
    private static void hasRequiredElements(Element m) throws Exception {
        assertThat(m.getTagName()).isEqualTo("AuditMessage");
        assertThat(at(m, "EventIdentification/@EventDateTime")).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
        assertThat(at(m, "EventIdentification/@EventOutcomeIndicator")).isIn("0", "4", "8", "12");
        assertThat(at(m, "EventIdentification/@EventActionCode")).isIn("C", "R", "U", "D", "E");
        for (String attribute : List.of("csd-code", "codeSystemName", "originalText")) {
            assertThat(at(m, "EventIdentification/EventID/@" + attribute)).isNotBlank();
        }
        assertThat(count(m, "ActiveParticipant")).isPositive();
        assertThat(count(m, "ActiveParticipant[not(@UserID) or not(@UserIsRequestor)]")).isZero();
        assertThat(count(m, "ActiveParticipant[@UserIsRequestor='true']")).isEqualTo(1);
        assertThat(count(m, "AuditSourceIdentification")).isEqualTo(1);
        assertThat(at(m, "AuditSourceIdentification/@AuditSourceID")).isNotBlank();
        assertThat(count(m, "ParticipantObjectIdentification[not(@ParticipantObjectID) "
                + "or not(ParticipantObjectIDTypeCode/@csd-code) or not(ParticipantObjectIDTypeCode/@codeSystemName) "
                + "or not(ParticipantObjectIDTypeCode/@originalText)]")).isZero();
    }

    @Test
    void aLinkDownloadIsAnExportMessageAndAPrivacyDisclosureEvent() throws Exception {
        long seq = seqOf("link:" + link.id(), "study.download");
        Element m = dicom(seq);
        hasRequiredElements(m);
        assertThat(at(m, "EventIdentification/EventID/@csd-code")).isEqualTo("110106");
        assertThat(at(m, "EventIdentification/@EventActionCode")).isEqualTo("R");
        assertThat(at(m, "EventIdentification/@EventOutcomeIndicator")).isEqualTo("0");
        assertThat(at(m, "ActiveParticipant[@UserIsRequestor='true']/@UserID")).isEqualTo("link:" + link.id());
        assertThat(at(m, "ActiveParticipant[@UserIsRequestor='true']/RoleIDCode/@csd-code")).isEqualTo("110154");
        assertThat(at(m, "ActiveParticipant[@UserIsRequestor='false']/RoleIDCode/@csd-code")).isEqualTo("110153");
        assertThat(at(m, "ParticipantObjectIdentification/@ParticipantObjectID")).isEqualTo(p.studyId());
        assertThat(at(m, "ParticipantObjectIdentification/@ParticipantObjectTypeCode")).isEqualTo("2");
        // no PHI: neither the patient's name nor the MRN nor the study UID
        String xml = given().auth().oauth2(officer).get("/api/audit/events/" + seq + "/dicom").asString();
        assertThat(xml).doesNotContain(p.patient().id(), p.study().studyUid(), "^");

        JsonPath fhir = fhir(seq);
        hasBalpBasics(fhir,
                "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PrivacyDisclosure.Source");
        assertThat(fhir.getString("type.system")).isEqualTo("http://dicom.nema.org/resources/ontology/DCM");
        assertThat(fhir.getString("type.code")).isEqualTo("110106");
        assertThat(fhir.getList("subtype.code")).contains("disclose");
        assertThat(fhir.getString("action")).isEqualTo("R");
    }

    @Test
    void aStudyReadIsARetrieveMessageAndABalpRead() throws Exception {
        long seq = seqOf(p.owner().id(), "study.retrieve");
        Element m = dicom(seq);
        hasRequiredElements(m);
        assertThat(at(m, "EventIdentification/EventID/@csd-code")).isEqualTo("110104");
        JsonPath fhir = fhir(seq);
        hasBalpBasics(fhir, "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Read");
        assertThat(fhir.getString("type.code")).isEqualTo("rest");
        assertThat(fhir.getList("subtype.code")).contains("read");
        assertThat(fhir.getList("entity.what.identifier.value")).contains(p.studyId());
    }

    @Test
    void aPatientSearchIsAQueryMessageAndABalpQueryWithoutTheSearchedValues() throws Exception {
        long seq = seqOf(frontdeskSubject, "patient.search");
        Element m = dicom(seq);
        hasRequiredElements(m);
        assertThat(at(m, "EventIdentification/EventID/@csd-code")).isEqualTo("110112");
        JsonPath fhir = fhir(seq);
        hasBalpBasics(fhir, "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Query");
        assertThat(fhir.getList("subtype.code")).contains("search");
        assertThat(fhir.getString("action")).isEqualTo("E");
        assertThat(fhir.getList("entity.role.code")).contains("24");
        assertThat(fhir.prettify()).doesNotContain(p.patient().id());
    }

    @Test
    void aLinkOpeningIsAnAuthenticationMessageAndABalpLogin() throws Exception {
        long seq = seqOf("link:" + link.id(), "link.opened");
        Element m = dicom(seq);
        hasRequiredElements(m);
        assertThat(at(m, "EventIdentification/EventID/@csd-code")).isEqualTo("110114");
        assertThat(at(m, "EventIdentification/EventTypeCode/@csd-code")).isEqualTo("110122");
        JsonPath fhir = fhir(seq);
        hasBalpBasics(fhir, "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Login");
        assertThat(fhir.getString("type.code")).isEqualTo("110114");
        assertThat(fhir.getList("subtype.code")).contains("110122");
    }

    @Test
    void searchFindsAPatientsEntriesAndExportsRunInChainOrder() throws Exception {
        List<String> actions = given().auth().oauth2(officer).queryParam("patient", registryId)
                .get("/api/audit/events").then().statusCode(200).extract().jsonPath().getList("action");
        assertThat(actions).contains("study.download", "study.retrieve", "link.issued", "link.opened");
        given().auth().oauth2(officer).queryParam("patient", "nope").get("/api/audit/events").then().statusCode(400);
        given().auth().oauth2(officer).queryParam("from", "yesterday").get("/api/audit/events").then()
                .statusCode(400);
        given().auth().oauth2(p.ownerToken()).get("/api/audit/events").then().statusCode(403);
        // the searches above are themselves in the trail
        assertThat(given().auth().oauth2(officer).queryParam("action", "audit.search").get("/api/audit/events")
                .then().statusCode(200).extract().jsonPath().getList("seq")).isNotEmpty();

        JsonPath bundle = given().auth().oauth2(officer).queryParam("format", "fhir").queryParam("after", 2)
                .queryParam("limit", 5).get("/api/audit/events/export").then().statusCode(200)
                .contentType("application/fhir+json").body("resourceType", equalTo("Bundle")).extract().jsonPath();
        assertThat(bundle.getList("entry.resource.id")).containsExactly("3", "4", "5", "6", "7");
        byte[] xml = given().auth().oauth2(officer).queryParam("format", "dicom").queryParam("limit", 50)
                .get("/api/audit/events/export").then().statusCode(200).extract().asByteArray();
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml))
                .getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("AuditMessages");
        NodeList messages = root.getElementsByTagName("AuditMessage");
        assertThat(messages.getLength()).isPositive();
        for (int i = 0; i < messages.getLength(); i++) {
            hasRequiredElements((Element) messages.item(i));
        }
        assertThat(new String(xml, StandardCharsets.UTF_8)).doesNotContain(p.patient().id());
    }

    private JsonPath fhir(long seq) {
        return given().auth().oauth2(officer).get("/api/audit/events/" + seq + "/fhir").then().statusCode(200)
                .contentType("application/fhir+json").extract().jsonPath();
    }

    /** What every BALP AuditEvent carries. */
    private static void hasBalpBasics(JsonPath e, String profile) {
        assertThat(e.getString("resourceType")).isEqualTo("AuditEvent");
        assertThat(e.getList("meta.profile")).containsExactly(profile);
        assertThat(e.getString("type.system")).isNotBlank();
        assertThat(e.getString("recorded")).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
        assertThat(e.getString("outcome")).isEqualTo("0");
        assertThat(e.getList("agent.requestor")).contains(true, false);
        assertThat(e.getList("agent.type.coding.flatten().code")).contains("110153", "110152");
        assertThat(e.getString("source.observer.display")).isNotBlank();
        assertThat(e.getList("source.type.code")).containsExactly("4");
        assertThat(e.getList("entity")).isNotEmpty();
    }
}
