package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** The privacy officer finds a break-glass opening in the queue with its reason and records the finding. */
@QuarkusTest
class BreakGlassReviewPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void thePrivacyOfficerReviewsABreakGlassOpeningOnThePage() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 6401);
        TestRealm.User clinician = TestRealm.createUser("break-glass");
        String reason = "Trauma bay " + System.nanoTime() + ": prior imaging needed before surgery";
        String id = RestAssured.given().auth().oauth2(TestRealm.mfaToken(clinician)).contentType(ContentType.JSON)
                .body(Map.of("studyUid", p.study().studyUid(), "reason", reason)).post("/api/break-glass").then()
                .statusCode(201).extract().path("id");

        Page page = browser.newPage();
        page.navigate(url("/privacy/break-glass"));
        Browser.signIn(page, TestRealm.createUser("privacy-officer"));
        page.waitForURL(url("/privacy/break-glass"));
        Locator row = page.locator("tr.opening", new Page.LocatorOptions().setHasText(reason));
        assertThat(row).containsText(clinician.displayName());
        row.locator("textarea").fill("The trauma admission at that time is in the ED log");
        row.getByText("Record the finding").click();
        assertThat(page.locator(".errors")).containsText("justified");
        row = page.locator("tr.opening", new Page.LocatorOptions().setHasText(reason));
        row.locator("input[value=JUSTIFIED]").check();
        row.locator("textarea").fill("The trauma admission at that time is in the ED log");
        row.getByText("Record the finding").click();
        assertThat(page.locator(".notice")).containsText("The finding was recorded");
        assertThat(page.locator("tr.opening", new Page.LocatorOptions().setHasText(reason))).hasCount(0);
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT review || ' ' || review_notes FROM portal.break_glass WHERE id = ?::uuid", id))
                .isEqualTo("JUSTIFIED The trauma admission at that time is in the ED log");
    }
}
