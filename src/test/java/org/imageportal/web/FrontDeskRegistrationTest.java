package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import java.io.ByteArrayOutputStream;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PageSession;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A walk-in at the front desk: registered before any image of theirs exists (after the duplicate check), found again
 * however the name is typed, and their outside CD uploaded onto the new record.
 */
@QuarkusTest
class FrontDeskRegistrationTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aWalkInIsRegisteredAndTheirOutsideCdLandsOnTheNewRecord() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String mrn = "W" + suffix;
        String family = "Walkin" + suffix;
        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients"));
        Browser.signIn(desk, TestRealm.createUser("frontdesk"));
        desk.waitForURL(url("/frontdesk/patients"));
        desk.click("#register");
        desk.fill("#mrn", mrn);
        desk.fill("#givenName", "Zoe");
        desk.fill("#familyName", family);
        desk.fill("#birthDate", "1975-06-14");
        desk.selectOption("#sex", "F");
        desk.click("#register-patient");
        assertThat(desk.locator(".notice")).containsText("The patient was registered");
        assertThat(desk.locator("h1")).hasText("Zoe " + family);
        assertThat(desk.locator("main")).containsText("born 14 Jun 1975 · female");
        String patientId = desk.url().replaceAll(".*/frontdesk/patients/([0-9a-f-]{36}).*", "$1");
        assertThat(Dicomweb.queryString(db, "SELECT patient_id || '|' || name || '|' || birth_date || '|' || sex "
                + "FROM portal.patient WHERE id = ?::uuid", patientId))
                .isEqualTo(mrn + "|" + family + "^Zoe|19750614|F");
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE action = "
                + "'patient.registered' AND entity = ?", "patient:" + patientId)).isEqualTo("1");

        // the CD comes from another hospital, under its own MRN: it lands on the patient it is uploaded for
        TestDicom outside = TestDicom.ct(new TestDicom.Patient("OUT-" + suffix, "ELSEWHERE", family + "^Zoe",
                "19750614")).seed(7301);
        desk.click("#upload-for-patient");
        assertThat(desk.locator("h1")).hasText("Upload for Zoe " + family);
        desk.setInputFiles("#zip", new FilePayload("outside-cd.zip", "application/zip", zip(outside.bytes())));
        desk.click("#start");
        assertThat(desk.locator("#status")).hasAttribute("data-finished", "true");
        assertThat(desk.locator("#status")).hasText("Finished: 1 stored, 0 held for review, 0 skipped, 0 failed.");
        assertThat(Dicomweb.queryString(db, "SELECT patient_ref::text FROM portal.study WHERE study_uid = ?",
                outside.studyUid())).isEqualTo(patientId);

        // found again by part of the MRN, and by the name typed the other way round in capitals
        desk.navigate(url("/frontdesk/upload"));
        desk.fill("#name", "ZOE " + family.toUpperCase());
        desk.click("button[type=submit]");
        assertThat(desk.locator("tr.patient")).hasCount(1);
        assertThat(desk.locator("tr.patient")).containsText("Zoe " + family);
        assertThat(desk.locator("tr.patient")).containsText("14 Jun 1975");
        desk.fill("#name", "");
        desk.fill("#mrn", suffix.toLowerCase());
        desk.click("button[type=submit]");
        assertThat(desk.locator("tr.patient")).containsText(mrn);
        desk.navigate(url("/frontdesk/patients"));
        desk.fill("#birthDate", "14 Jun 1975");
        desk.fill("#name", family.toLowerCase());
        desk.click("button[type=submit]");
        assertThat(desk.locator("tr.patient")).hasCount(1);
        desk.locator("tr.patient a").click();
        assertThat(desk.locator("tr.study")).hasCount(1);
    }

    @Test
    void similarPeopleAreShownAndTheSameMrnIsRefused() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String family = "Müller" + suffix;
        TestRealm.User clerk = TestRealm.createUser("frontdesk");
        Page desk = registrationPage(clerk);
        PageSession session = PageSession.of(desk, url("/"));
        String first = session.form().formParam("mrn", "A" + suffix).formParam("familyName", family)
                .formParam("givenName", "José").formParam("birthDate", "1962-02-03").formParam("sex", "M")
                .post("/frontdesk/patients/registration").then().statusCode(303).extract().header("Location")
                .replaceAll(".*/frontdesk/patients/([0-9a-f-]{36}).*", "$1");

        // the name typed without accents and the other way round, one letter off, the same birth date: held
        String similar = "/frontdesk/patients/registration";
        session.form().formParam("mrn", "B" + suffix).formParam("familyName", "Jose")
                .formParam("givenName", "Mueller" + suffix).formParam("birthDate", "1962-02-03").post(similar)
                .then().statusCode(409).body(containsString("Possibly the same person"))
                .body(containsString("José " + family)).body(containsString("3 Feb 1962"))
                .body(containsString("value=\"Mueller" + suffix + "\""));
        assertThat(count("SELECT count(*)::text FROM portal.patient WHERE patient_id = ?", "B" + suffix))
                .isEqualTo("0");
        // naming the similar entry without ticking the box does nothing either
        session.form().formParam("mrn", "B" + suffix).formParam("familyName", "Jose")
                .formParam("givenName", "Mueller" + suffix).formParam("birthDate", "1962-02-03")
                .formParam("differentFrom", first).post(similar).then().statusCode(409);
        assertThat(count("SELECT count(*)::text FROM portal.patient WHERE patient_id = ?", "B" + suffix))
                .isEqualTo("0");
        // a different birth date is a different person: nothing to confirm
        session.form().formParam("mrn", "C" + suffix).formParam("familyName", family).formParam("givenName", "José")
                .formParam("birthDate", "1962-02-04").post(similar).then().statusCode(303);

        // in the browser: the list, then the box the browser asks for before the portal registers anyone
        desk.fill("#mrn", "B" + suffix);
        desk.fill("#givenName", "Jose");
        desk.fill("#familyName", "Mueller" + suffix);
        desk.fill("#birthDate", "1962-02-03");
        desk.click("#register-patient");
        assertThat(desk.locator(".duplicates.similar tr.patient")).hasCount(1);
        assertThat(desk.locator("#familyName")).hasValue("Mueller" + suffix);
        desk.click("#register-patient");
        assertThat(desk.locator(".duplicates.similar")).isVisible();
        desk.check("#confirm-different");
        desk.click("#register-patient");
        assertThat(desk.locator(".notice")).containsText("The patient was registered");
        assertThat(count("SELECT count(*)::text FROM portal.patient WHERE patient_id = ?", "B" + suffix))
                .isEqualTo("1");
        assertThat(Dicomweb.queryString(db, "SELECT detail->>'confirmedDifferentPerson' FROM portal.audit_event "
                + "WHERE action = 'patient.registered' AND actor = ? ORDER BY id DESC LIMIT 1", clerk.id()))
                .isEqualTo("true");

        // the same MRN again is refused, whatever the box says
        session.form().formParam("mrn", "A" + suffix).formParam("familyName", "Other" + suffix)
                .formParam("givenName", "Person").formParam("birthDate", "1990-01-01").formParam("confirm", "yes")
                .post(similar).then().statusCode(409).body(containsString("This MRN is already registered"))
                .body(not(containsString("id=\"confirm-different\"")));
        assertThat(count("SELECT count(*)::text FROM portal.patient WHERE patient_id = ?", "A" + suffix))
                .isEqualTo("1");
        // removing an authenticator is confirmed too: a post without the box does nothing
        session.form().post("/frontdesk/patients/" + first + "/mfa-reset").then().statusCode(400)
                .body(containsString("tick the box to confirm"));
        // every check was a search of the registry, and left its trace
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'patient.duplicate-check'", clerk.id())).isEqualTo("7");
    }

    @Test
    void aSearchFindsTheNameWithoutItsAccentsAndIsAudited() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestRealm.User clerk = TestRealm.createUser("frontdesk");
        Page desk = registrationPage(clerk);
        PageSession session = PageSession.of(desk, url("/"));
        session.form().formParam("mrn", "N" + suffix).formParam("familyName", "Þórsdóttir" + suffix)
                .formParam("givenName", "Ása").formParam("birthDate", "2001-12-31").post(
                        "/frontdesk/patients/registration")
                .then().statusCode(303);
        session.form().formParam("name", "Asa Jonsdottir" + suffix).post("/frontdesk/patients/search").then()
                .statusCode(200).body(containsString("No patient matches"));
        session.form().formParam("name", "thorsdottir" + suffix.toLowerCase() + " ASA")
                .post("/frontdesk/patients/search")
                .then().statusCode(200).body(containsString("Ása Þórsdóttir" + suffix))
                .body(containsString("31 Dec 2001"));
        session.form().formParam("mrn", "n" + suffix.substring(0, 4)).formParam("birthDate", "2001-12-31")
                .post("/frontdesk/upload").then().statusCode(200).body(containsString("N" + suffix))
                .body(containsString("/frontdesk/upload/"));
        assertThat(Dicomweb.queryString(db, "SELECT string_agg(detail->>'criteria', ';' ORDER BY id) FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'patient.search'", clerk.id()))
                .isEqualTo("name;name;mrn,birthDate");
    }

    private Page registrationPage(TestRealm.User clerk) {
        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients/registration"));
        Browser.signIn(desk, clerk);
        desk.waitForURL(url("/frontdesk/patients/registration"));
        return desk;
    }

    private String count(String sql, String value) throws Exception {
        return Dicomweb.queryString(db, sql, value);
    }

    private static byte[] zip(byte[] instance) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("CD/DICOM/IM000001"));
            zip.write(instance);
            zip.closeEntry();
        }
        return out.toByteArray();
    }
}
