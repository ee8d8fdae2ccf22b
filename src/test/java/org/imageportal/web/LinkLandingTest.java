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
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A share link in a fresh anonymous browser: nothing about the patient before the code; five wrong codes lock it
 * for good; the right code opens the study's summary once per opening allowed; a forged token and a revoked link
 * look like an unknown one.
 */
@QuarkusTest
class LinkLandingTest extends BrowserTest {

    @Inject
    DataSource db;

    private static Issued issue(String patientToken, String studyId, Integer maxOpens) {
        return ShareLinks.issue(patientToken, studyId, maxOpens == null ? Map.of() : Map.of("maxOpens", maxOpens));
    }

    @Test
    void wrongCodesLockTheRightCodeOpensRevocationCloses() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom study = TestDicom.ct(patient).seed(97);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(study.bytes())).then().statusCode(200);
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());
        String token = TestRealm.mfaToken(user);
        String studyId = Dicomweb.queryString(db, "SELECT id::text FROM portal.study WHERE study_uid = ?",
                study.studyUid());

        // before the code nothing about the patient; five wrong codes lock the link
        Issued locked = issue(token, studyId, null);
        Page stranger = browser.newPage(Browser.someClientAddress());
        Response landing = stranger.navigate(locked.url());
        org.assertj.core.api.Assertions.assertThat(landing.status()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(landing.headers().get("cache-control")).contains("no-store");
        org.assertj.core.api.Assertions.assertThat(landing.headers().get("referrer-policy")).isEqualTo("no-referrer");
        assertThat(stranger.locator("h1")).hasText("A study was shared with you");
        org.assertj.core.api.Assertions.assertThat(stranger.content()).doesNotContain(patient.name())
                .doesNotContain(patient.shownName())
                .doesNotContain("CT CHEST").doesNotContain(patient.id());
        String wrong = locked.code().charAt(0) == '1'
                ? "2" + locked.code().substring(1)
                : "1" + locked.code().substring(1);
        for (int attempt = 1; attempt <= 4; attempt++) {
            stranger.fill("#name", "Amara Okafor");
            stranger.fill("#code", wrong);
            stranger.click("#open");
            assertThat(stranger.locator("#code-message")).containsText((5 - attempt) + " attempt");
            // only the code is asked for again: the name stays
            assertThat(stranger.locator("#name")).hasValue("Amara Okafor");
            assertThat(stranger.locator("#code")).hasValue("");
        }
        stranger.fill("#name", "Amara Okafor");
        stranger.fill("#code", wrong);
        stranger.click("#open");
        assertThat(stranger.locator("h1")).hasText("This link is not available");
        // locked for good: even the right code opens nothing now
        stranger.navigate(locked.url());
        assertThat(stranger.locator("h1")).hasText("This link is not available");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT (locked_at IS NOT NULL)::text || failed_codes FROM portal.share_link WHERE id = ?::uuid",
                locked.id())).isEqualTo("true5");

        // a forged (altered) token looks like an unknown link
        Issued good = issue(token, studyId, 1);
        String altered = good.url().substring(0, good.url().length() - 5)
                + (good.url().charAt(good.url().length() - 5) == 'A' ? 'B' : 'A') + good.url().substring(
                        good.url().length() - 4);
        Page forger = browser.newPage();
        org.assertj.core.api.Assertions.assertThat(forger.navigate(altered).status()).isEqualTo(404);

        // the right code opens the summary and counts an opening
        Page recipient = browser.newPage();
        recipient.navigate(good.url());
        recipient.fill("#name", "Amara Okafor");
        recipient.fill("#code", good.code());
        recipient.click("#open");
        assertThat(recipient.locator("h1")).hasText("Shared study");
        assertThat(recipient.locator("#recipient")).hasText("Dr Amara Okafor");
        assertThat(recipient.locator("#study")).containsText("CT CHEST");
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT opens::text FROM portal.share_link WHERE id = ?::uuid", good.id())).isEqualTo("1");

        // its one opening is used: another browser with the right code gets nothing
        Page second = browser.newPage();
        second.navigate(good.url());
        assertThat(second.locator("h1")).hasText("This link is not available");

        // revoked: the open session ends too
        given().auth().oauth2(token).post("/api/sharing/links/" + good.id() + "/revocation").then().statusCode(200);
        recipient.reload();
        assertThat(recipient.locator("h1")).hasText("This link is not available");
    }
}
