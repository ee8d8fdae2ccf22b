package org.imageportal.disclosures;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.retention.StudyDeletionService;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The accounting of disclosures (45 CFR 164.528): a physician's view under a grant and a link recipient's download
 * appear in the patient's full access report with date, recipient, description and purpose; the accounting lists
 * the accountable ones only (a subpoena recorded by the privacy officer), leaving the treatment view out; both
 * reach the patient as HTML, PDF and CSV once delivered.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountingOfDisclosuresTest {

    private static final String COURT = "Clerk of the Superior Court";
    private static final String COURT_ADDRESS = "400 McAllister St, San Francisco, CA 94102";
    private static final String SUBPOENA = "Subpoena duces tecum, case 26-CV-0417";

    @Inject
    DataSource db;

    @Inject
    StudyDeletionService deletion;

    String officer;
    TestRealm.User physicianUser;
    String physicianId;
    String physicianToken;

    @BeforeAll
    void setUp() throws Exception {
        officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
        physicianUser = TestRealm.createUser("provider");
        physicianId = Physicians.register(db, physicianUser, "Dr Imani Reyes", "Harbor Oncology");
        // one sign-in for the class: a one-time code cannot be used twice within its 30 seconds
        physicianToken = TestRealm.mfaToken(physicianUser);
    }

    private String registryId(PatientWithStudy p) throws Exception {
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?", p.patient().id());
    }

    private Response recordManual(String patient, Map<String, Object> body) {
        return given().auth().oauth2(officer).contentType(ContentType.JSON).body(body)
                .post("/api/accounting/patients/" + patient + "/disclosures");
    }

    private static Map<String, Object> subpoena() {
        Map<String, Object> body = new HashMap<>();
        body.put("disclosedOn", LocalDate.now(ZoneOffset.UTC).toString());
        body.put("recipientName", COURT);
        body.put("recipientAddress", COURT_ADDRESS);
        body.put("description", "Copy of the CT study on CD, with its report");
        body.put("purpose", SUBPOENA);
        return body;
    }

    private String request(PatientWithStudy p) {
        return given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/requests").then().statusCode(201).extract().path("id");
    }

    private Response report(String token, String request, String kind, String format) {
        return given().auth().oauth2(token).queryParam("format", format)
                .get("/api/accounting/requests/" + request + "/" + kind);
    }

    @Test
    void theAccessReportListsEveryDisclosureAndTheAccountingOnlyTheAccountableOnes() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6101);
        // a physician views the study under a treatment grant
        given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("studyId", p.studyId(), "providerId", physicianId, "purpose", "TREATMENT"))
                .post("/api/sharing/grants").then().statusCode(201);
        given().auth().oauth2(physicianToken)
                .get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then().statusCode(200);
        // and again the same day: one line of the report, with how many times and when
        given().auth().oauth2(physicianToken)
                .get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then().statusCode(200);
        // a link recipient downloads it
        ShareLinks.Issued link = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of("download", true));
        String session = ShareLinks.openSession(link);
        given().cookie("portal_link", session).get(link.path() + "/download").then().statusCode(200);
        // the privacy officer records a disclosure made outside the portal
        recordManual(registryId(p), subpoena()).then().statusCode(201);
        // the front desk opens the patient's record twice: a use within the practice, not a disclosure
        TestRealm.User desk = TestRealm.createUser("frontdesk");
        String deskToken = TestRealm.mfaToken(desk);
        given().auth().oauth2(deskToken).get("/api/patients/" + registryId(p)).then().statusCode(200);
        given().auth().oauth2(deskToken).get("/api/patients/" + registryId(p)).then().statusCode(200);
        // the patient's own views are neither
        given().auth().oauth2(p.ownerToken()).get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then()
                .statusCode(200);

        String id = request(p);
        // nothing to read before the privacy officer delivers it
        report(p.ownerToken(), id, "access", "json").then().statusCode(404);
        given().auth().oauth2(officer).get("/api/accounting/requests").then().statusCode(200)
                .body("id", hasItem(id));
        given().auth().oauth2(officer).post("/api/accounting/requests/" + id + "/delivery").then().statusCode(200)
                .body("status", equalTo("delivered"));
        given().auth().oauth2(officer).post("/api/accounting/requests/" + id + "/delivery").then().statusCode(409);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonPath access = report(p.ownerToken(), id, "access", "json").then().statusCode(200).extract().jsonPath();
        // the staff's uses apart from the disclosures, and not counted as any
        assertThat(access.getList("lines")).hasSize(3);
        assertThat(access.getList("uses")).hasSize(1);
        assertThat(access.getList("lines.count", Integer.class).stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(4);
        assertThat(access.getList("uses.count", Integer.class).stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(2);
        Map<String, Object> staff = line(access, "uses", desk.displayName() + " (practice staff)");
        assertThat(staff).containsEntry("date", today).containsEntry("access", "Opened the record")
                .containsEntry("count", 2).containsEntry("category", "Use within the practice (not a disclosure)");
        assertThat((String) staff.get("summary")).startsWith("Opened the record 2 times between ");
        Map<String, Object> view = line(access, "Dr Imani Reyes");
        assertThat(view).containsEntry("date", today).containsEntry("purpose", "TREATMENT")
                .containsEntry("access", "Viewed online").containsEntry("count", 2);
        assertThat((String) view.get("summary")).startsWith("Viewed online 2 times between ");
        assertThat((String) view.get("description")).startsWith("CT imaging study").contains("1 series, 1 images");
        assertThat((String) view.get("category")).startsWith("Excepted: for treatment");
        Map<String, Object> download = line(access, "Dr Amara Okafor (opened by " + ShareLinks.CLAIMED_NAME + ")");
        assertThat(download).containsEntry("date", today).containsEntry("purpose", "SECOND_OPINION")
                .containsEntry("access", "Downloaded a copy");
        assertThat((String) download.get("description")).startsWith("CT imaging study");
        Map<String, Object> court = line(access, COURT);
        assertThat(court).containsEntry("address", COURT_ADDRESS).containsEntry("purpose", SUBPOENA)
                .containsEntry("category", "Accountable");

        JsonPath accounting = report(p.ownerToken(), id, "accounting", "json").then().statusCode(200).extract()
                .jsonPath();
        assertThat(accounting.getList("lines.recipient")).containsExactly(COURT);
        assertThat(accounting.getBoolean("freeOfCharge")).isTrue();

        String accountingPdf = pdfText(report(p.ownerToken(), id, "accounting", "pdf").then().statusCode(200)
                .contentType("application/pdf").extract().asByteArray());
        assertThat(accountingPdf).contains("Accounting of disclosures", COURT, COURT_ADDRESS, "26-CV-0417", today)
                .doesNotContain("Imani Reyes", "Amara Okafor");
        String accessPdf = pdfText(report(p.ownerToken(), id, "access", "pdf").then().statusCode(200).extract()
                .asByteArray());
        // the purpose in words for the patient reading it (the CSV below keeps the code)
        assertThat(accessPdf).contains("Full access report", "Dr Imani Reyes", "Viewed online", "Downloaded a copy",
                "Purpose: Second opinion", COURT).doesNotContain("SECOND_OPINION");
        // one line for the two views, the staff's uses under their own heading, when it was prepared, no "null"
        assertThat(accessPdf).contains("Prepared " + org.imageportal.platform.text.Words.date(java.time.Instant.now()))
                .containsPattern("Viewed online 2 times between \\d\\d:\\d\\d \\S+ and \\d\\d:\\d\\d")
                .contains("4 disclosures in this period").contains("Uses within the practice (not disclosures): 2 uses")
                .containsPattern("Opened the record 2 times between").doesNotContain("null")
                .doesNotContain("6 disclosures");
        assertThat(accessPdf.indexOf(desk.displayName())).isGreaterThan(accessPdf.indexOf("Uses within the practice"));
        assertThat(accountingPdf).contains("Prepared ").doesNotContain("null");
        String accessPage = report(p.ownerToken(), id, "access", "html").then().statusCode(200).extract().asString();
        assertThat(accessPage).contains("4 disclosures in this period", "Viewed online 2 times between",
                "Uses within the practice (not disclosures): 2 uses").doesNotContain("null")
                .doesNotContain(java.time.Instant.now().toString().substring(0, 10) + "T");

        String csv = report(p.ownerToken(), id, "access", "csv").then().statusCode(200).contentType("text/csv")
                .extract().asString();
        List<String> rows = csv.lines().toList();
        assertThat(rows).hasSize(5);
        assertThat(rows.getFirst()).startsWith("\"date\",\"recipient\"");
        assertThat(csv).contains("\"Dr Imani Reyes\"", "\"" + SUBPOENA + "\"");
        assertThat(report(p.ownerToken(), id, "accounting", "html").then().statusCode(200).extract().asString())
                .contains("Accounting of disclosures", COURT, SUBPOENA).doesNotContain("Imani Reyes");
    }

    @Test
    void disclosuresAndAuditEntriesOutliveTheStudyTheyMention() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6108);
        given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("studyId", p.studyId(), "providerId", physicianId, "purpose", "TREATMENT"))
                .post("/api/sharing/grants").then().statusCode(201);
        given().auth().oauth2(physicianToken)
                .get("/dicomweb/studies/" + p.study().studyUid() + "/metadata").then().statusCode(200);
        deletion.delete(new Actor("retention-test", "officer", "Officer", Set.of(Role.PRIVACY_OFFICER), true, false),
                p.study().studyUid(), StudyDeletionService.Reason.RETENTION_ENDED);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.study WHERE id = ?::uuid",
                p.studyId())).isEqualTo("0");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE entity = ?",
                "study:" + p.studyId())).isNotEqualTo("0");

        String id = request(p);
        Map<String, Object> view = line(given().auth().oauth2(officer).queryParam("format", "json")
                .get("/api/accounting/requests/" + id + "/access").then().statusCode(200).extract().jsonPath(),
                "Dr Imani Reyes");
        assertThat((String) view.get("description")).startsWith("CT imaging study");
        given().auth().oauth2(officer).get("/api/audit/verify").then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void repeatedDisclosuresToOneRecipientForOnePurposeAreSummarised() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6102);
        String patient = registryId(p);
        Map<String, Object> first = subpoena();
        first.put("disclosedOn", LocalDate.now(ZoneOffset.UTC).minusDays(20).toString());
        recordManual(patient, first).then().statusCode(201);
        Map<String, Object> second = subpoena();
        second.put("disclosedOn", LocalDate.now(ZoneOffset.UTC).minusDays(5).toString());
        recordManual(patient, second).then().statusCode(201);
        Map<String, Object> health = subpoena();
        health.put("recipientName", "County Department of Public Health");
        health.put("recipientAddress", null);
        health.put("purpose", "Report of a communicable disease");
        recordManual(patient, health).then().statusCode(201);
        String id = request(p);
        JsonPath accounting = given().auth().oauth2(officer).queryParam("format", "json")
                .get("/api/accounting/requests/" + id + "/accounting").then().statusCode(200).extract().jsonPath();
        assertThat(accounting.getList("lines.recipient")).containsExactly(COURT,
                "County Department of Public Health");
        assertThat(accounting.getInt("lines[0].count")).isEqualTo(2);
        assertThat(accounting.getString("lines[0].date")).isEqualTo(first.get("disclosedOn"));
        assertThat(accounting.getString("lines[0].lastDate")).isEqualTo(second.get("disclosedOn"));
        assertThat(accounting.getInt("lines[1].count")).isEqualTo(1);
    }

    @Test
    void aSuspensionKeepsTheAgencysDisclosuresOutUntilItEnds() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6103);
        String patient = registryId(p);
        Map<String, Object> suspension = Map.of("agency", "State Medical Board", "requestedBy",
                "Investigator R. Patel", "written", false, "statement",
                "An accounting would impede our investigation", "until",
                LocalDate.now(ZoneOffset.UTC).plusDays(31).toString());
        // oral statements suspend for 30 days at most
        given().auth().oauth2(officer).contentType(ContentType.JSON).body(suspension)
                .post("/api/accounting/patients/" + patient + "/suspensions").then().statusCode(400)
                .body("violations[0].field", equalTo("until"));
        Map<String, Object> written = new HashMap<>(suspension);
        written.put("written", true);
        String suspensionId = given().auth().oauth2(officer).contentType(ContentType.JSON).body(written)
                .post("/api/accounting/patients/" + patient + "/suspensions").then().statusCode(201).extract()
                .path("id");
        Map<String, Object> board = subpoena();
        board.put("recipientName", "State Medical Board");
        board.put("purpose", "Health oversight investigation");
        board.put("suspension", suspensionId);
        recordManual(patient, board).then().statusCode(201);
        recordManual(patient, subpoena()).then().statusCode(201);
        String id = request(p);
        assertThat(given().auth().oauth2(officer).queryParam("format", "json")
                .get("/api/accounting/requests/" + id + "/accounting").then().statusCode(200).extract().jsonPath()
                .getList("lines.recipient")).containsExactly(COURT);
        // a suspension of another patient cannot be named
        PatientWithStudy other = PatientWithStudy.create(db, 6104);
        recordManual(registryId(other), board).then().statusCode(400);
    }

    @Test
    void requestsAreDueIn60DaysExtendOnceAndOnlyTheFirstIn12MonthsIsFree() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6105);
        JsonPath first = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("from", LocalDate.now(ZoneOffset.UTC).minusYears(1).toString()))
                .post("/api/accounting/requests").then().statusCode(201).extract().jsonPath();
        OffsetDateTime received = OffsetDateTime.parse(first.getString("receivedAt"));
        assertThat(OffsetDateTime.parse(first.getString("dueAt"))).isEqualTo(received.plusDays(60));
        assertThat(first.getBoolean("freeOfCharge")).isTrue();
        JsonPath second = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/requests").then().statusCode(201).extract().jsonPath();
        assertThat(second.getBoolean("freeOfCharge")).isFalse();
        // more than six years back, or ending in the future: refused
        given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("from", LocalDate.now(ZoneOffset.UTC).minusYears(6).minusDays(1).toString()))
                .post("/api/accounting/requests").then().statusCode(400).body("violations[0].field", equalTo("from"));
        given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("to", LocalDate.now(ZoneOffset.UTC).plusDays(1).toString()))
                .post("/api/accounting/requests").then().statusCode(400);

        String id = first.getString("id");
        given().auth().oauth2(officer).contentType(ContentType.JSON).body(Map.of("text", " "))
                .post("/api/accounting/requests/" + id + "/extension").then().statusCode(400);
        String extendedDue = given().auth().oauth2(officer).contentType(ContentType.JSON)
                .body(Map.of("text", "Records held off site are being retrieved"))
                .post("/api/accounting/requests/" + id + "/extension").then().statusCode(200)
                .body("status", equalTo("extended")).extract().path("dueAt");
        assertThat(OffsetDateTime.parse(extendedDue)).isEqualTo(received.plusDays(90));
        given().auth().oauth2(officer).contentType(ContentType.JSON).body(Map.of("text", "again"))
                .post("/api/accounting/requests/" + id + "/extension").then().statusCode(409);
        given().auth().oauth2(p.ownerToken()).get("/api/accounting/requests/mine").then().statusCode(200)
                .body("size()", equalTo(2));
    }

    @Test
    void onlyThePatientAndThePrivacyOfficerReadAReport() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6106);
        PatientWithStudy other = PatientWithStudy.create(db, 6107);
        String id = request(p);
        given().auth().oauth2(officer).post("/api/accounting/requests/" + id + "/delivery").then().statusCode(200);
        report(p.ownerToken(), id, "accounting", "json").then().statusCode(200);
        report(other.ownerToken(), id, "accounting", "json").then().statusCode(404);
        report(officer, id, "access", "json").then().statusCode(200);
        report(TestRealm.mfaToken(TestRealm.createUser("frontdesk")), id, "access", "json").then().statusCode(403);
        given().get("/api/accounting/requests/" + id + "/access").then().statusCode(401);
        report(p.ownerToken(), id, "access", "xlsx").then().statusCode(400);
        report(p.ownerToken(), "not-an-id", "access", "json").then().statusCode(404);
        // patients neither record disclosures nor see the open list
        recordManual(registryId(p), subpoena()).then().statusCode(201);
        given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body(subpoena())
                .post("/api/accounting/patients/" + registryId(p) + "/disclosures").then().statusCode(403);
        given().auth().oauth2(p.ownerToken()).get("/api/accounting/requests").then().statusCode(403);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> line(JsonPath report, String recipient) {
        return line(report, "lines", recipient);
    }

    private static Map<String, Object> line(JsonPath report, String list, String recipient) {
        List<Map<String, Object>> lines = report.getList(list);
        return lines.stream().filter(l -> recipient.equals(l.get("recipient"))).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + recipient + " in " + lines));
    }

    /** The PDF's text as poppler's pdftotext extracts it (an independent reader). */
    private static String pdfText(byte[] pdf) throws IOException, InterruptedException {
        Path file = Files.createTempFile("report", ".pdf");
        try {
            Files.write(file, pdf);
            Process p = new ProcessBuilder("pdftotext", "-layout", file.toString(), "-").redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("pdftotext: %s", text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
