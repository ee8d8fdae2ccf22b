package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

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

import io.quarkus.test.junit.QuarkusTest;

/**
 * A share link bound to a registered physician opens only for that physician, signed in with password and one-time
 * code: not for someone without an account, not for another physician, even with the right code; those refusals do
 * not count as wrong codes.
 */
@QuarkusTest
class LinkBoundToPhysicianTest extends BrowserTest {

    @Inject
    DataSource db;

    private static void enterCode(Page page, ShareLinks.Issued link) {
        page.navigate(link.url());
        page.fill("#name", "Amara Okafor");
        page.fill("#code", link.code());
        page.click("#open");
    }

    @Test
    void onlyTheNamedPhysicianSignedInOpensIt() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(51).size(32);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User owner = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), owner.id());
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                study.studyUid());
        TestRealm.User named = TestRealm.createUser("provider");
        TestRealm.User other = TestRealm.createUser("provider");
        String namedId = Physicians.register(db, named, "Dr Amara Okafor", "Riverside Clinic");
        Physicians.register(db, other, "Dr Otto Other", "Elsewhere Clinic");
        String ownerToken = TestRealm.mfaToken(owner);
        io.restassured.RestAssured.given().auth().oauth2(ownerToken)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("studyId", studyId, "recipientName", "Dr Amara Okafor", "purpose", "TREATMENT",
                        "boundProviderId", java.util.UUID.randomUUID().toString()))
                .post("/api/sharing/links").then().statusCode(400);
        ShareLinks.Issued link = ShareLinks.issue(ownerToken, studyId, Map.of("boundProviderId", namedId));

        // without an account: told who it is for; the right code does not open it
        Page stranger = browser.newPage(Browser.someClientAddress());
        stranger.navigate(link.url());
        assertThat(stranger.locator("#bound-to")).containsText("Dr Amara Okafor");
        enterCode(stranger, link);
        assertThat(stranger.locator("#code-message")).containsText("opens only for Dr Amara Okafor");

        // another physician, signed in: not for them either
        Page otherDoctor = browser.newPage();
        otherDoctor.navigate(url("/provider/shared"));
        Browser.signIn(otherDoctor, other);
        otherDoctor.waitForURL(url("/provider/shared"));
        enterCode(otherDoctor, link);
        assertThat(otherDoctor.locator("#code-message")).containsText("opens only for Dr Amara Okafor");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT failed_codes || '/' || opens FROM portal.share_link WHERE id = ?::uuid", link.id()))
                .as("refusals are not wrong codes, and nothing was opened").isEqualTo("0/0");

        // the named physician, signed in, opens it
        Page doctor = browser.newPage();
        doctor.navigate(url("/provider/shared"));
        Browser.signIn(doctor, named);
        doctor.waitForURL(url("/provider/shared"));
        enterCode(doctor, link);
        assertThat(doctor.locator("h1")).hasText("Shared study");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT opens::text FROM portal.share_link WHERE id = ?::uuid", link.id())).isEqualTo("1");
    }
}
