package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.SelectOption;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The front desk makes a share link for a patient on the pages: refused before the patient's identity is verified,
 * made after it with the written authorization noted, shown once with its code; the recipient opens it.
 */
@QuarkusTest
class FrontDeskSharingPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    private static void fillForm(Page desk) {
        desk.selectOption("#studyId", new SelectOption().setIndex(1));
        desk.fill("#recipientName", "Dr Amara Okafor");
        desk.selectOption("#purpose", "TREATMENT");
        desk.fill("#authorizationNote", "HIPAA authorization signed at the desk today, filed in the chart");
        desk.click("#make-link");
    }

    @Test
    void aLinkForAPatientNeedsAVerificationAndIsShownOnce() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(21).size(32);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        String patientId = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                patient.id());
        TestRealm.User clerk = TestRealm.createUser("frontdesk");

        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients/" + patientId));
        Browser.signIn(desk, clerk);
        desk.waitForURL(url("/frontdesk/patients/" + patientId));
        desk.click("#share-for-patient");
        assertThat(desk.locator("h1")).containsText("Share link for");
        fillForm(desk);
        assertThat(desk.locator(".errors")).containsText("verif");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.share_link WHERE patient_ref = ?::uuid", patientId)).isEqualTo("0");

        // a colleague records the verification (the clerk's one-time code of this half-minute is used up)
        given().auth().oauth2(TestRealm.mfaToken(TestRealm.createUser("frontdesk"))).contentType(ContentType.JSON)
                .body(Map.of("method", "GOVERNMENT_PHOTO_ID", "documentType", "passport", "documentLast4", "2468",
                        "site", "front desk"))
                .post("/api/patients/" + patientId + "/verifications").then().statusCode(201);
        desk.navigate(url("/frontdesk/sharing/" + patientId + "/link"));
        fillForm(desk);
        assertThat(desk.locator("h1")).hasText("Link for Dr Amara Okafor");
        String linkUrl = desk.locator("#link-url").textContent().strip();
        String code = desk.locator("#link-code").textContent().strip();
        String id = Dicomweb.queryString(db, "SELECT id::text FROM portal.share_link WHERE patient_ref = ?::uuid",
                patientId);
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT authorization_note FROM portal.share_link WHERE id = ?::uuid", id)).contains("HIPAA");
        ShareLinks.openSession(new ShareLinks.Issued(linkUrl, code, id));

        // and with a registered physician, found by name
        TestRealm.User physician = TestRealm.createUser("provider");
        String surname = "Grantham" + java.util.UUID.randomUUID().toString().substring(0, 6);
        Physicians.register(db, physician, "Grace " + surname, "North Clinic");
        desk.navigate(url("/frontdesk/patients/" + patientId));
        desk.click("#grant-for-patient");
        desk.fill("#q", surname);
        desk.click("#find-physician");
        desk.getByLabel("Grace " + surname + ", North Clinic").check();
        desk.selectOption("#studyId", new SelectOption().setIndex(1));
        desk.selectOption("#purpose", "TREATMENT");
        desk.fill("#authorizationNote", "HIPAA authorization for Dr Grantham signed today, filed in the chart");
        desk.click("#share-study");
        assertThat(desk.locator(".notice")).containsText("The study is shared");
        org.assertj.core.api.Assertions.assertThat(given().auth().oauth2(TestRealm.mfaToken(physician))
                .get("/api/sharing/shared-with-me").jsonPath().getList("studyId", String.class))
                .containsExactly(Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                        study.studyUid()));
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT authorization_note FROM "
                + "portal.share_grant WHERE patient_ref = ?::uuid", patientId)).contains("Grantham");
    }
}
