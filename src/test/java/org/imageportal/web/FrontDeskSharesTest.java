package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.platform.text.Words;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The desk's patient page says who the patient's studies are shared with, in words: each active grant (physician,
 * organisation, purpose, since, expiry) and each link in force (recipient, scope, created, expiry, whether opened).
 * The desk revokes either there, only with the box ticked; then the physician and the link's session get 404 on the
 * study and the trail records the revocation by the desk. Under another patient's page a share is not found.
 */
@QuarkusTest
class FrontDeskSharesTest extends BrowserTest {

    @Inject
    DataSource db;

    /** A moment of a row as the page shows it, read from the database in ISO form. */
    private String shown(String sql, String id, boolean withTime) throws Exception {
        String iso = Dicomweb.queryString(db, sql, id);
        return withTime ? Words.time(OffsetDateTime.parse(iso)) : Words.date(OffsetDateTime.parse(iso));
    }

    private static String iso(String column, String table) {
        return "SELECT to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM portal."
                + table + " WHERE id = ?::uuid";
    }

    @Test
    void theDeskSeesTheSharesInWordsAndRevokesThemOnlyOnceConfirmed() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 5301);
        String registry = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                p.patient().id());
        PatientWithStudy other = PatientWithStudy.create(db, 5302);
        String otherRegistry = Dicomweb.queryString(db, "SELECT id::text FROM portal.patient WHERE patient_id = ?",
                other.patient().id());
        TestRealm.User doctor = TestRealm.createUser("provider");
        String name = "Dr Ines Varga" + UUID.randomUUID().toString().substring(0, 4);
        String provider = Physicians.register(db, doctor, name, "Harbour Clinic");
        String grant = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("studyId", p.studyId(), "providerId", provider, "purpose", "SECOND_OPINION"))
                .post("/api/sharing/grants").then().statusCode(201).extract().path("id");
        ShareLinks.Issued link = ShareLinks.issue(p.ownerToken(), p.studyId(),
                Map.of("seriesUids", List.of(p.study().seriesUid())));
        String session = ShareLinks.openSession(link);
        String doctorToken = TestRealm.mfaToken(doctor);
        String studyMetadata = "/dicomweb/studies/" + p.study().studyUid() + "/metadata";
        String linkMetadata = link.path() + "/dicomweb/studies/" + p.study().studyUid() + "/series/"
                + p.study().seriesUid() + "/metadata";
        given().auth().oauth2(doctorToken).get(studyMetadata).then().statusCode(200);
        given().cookie("portal_link", session).get(linkMetadata).then().statusCode(200);
        TestRealm.User clerk = TestRealm.createUser("frontdesk");

        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/patients/" + registry));
        Browser.signIn(desk, clerk);
        desk.waitForURL(url("/frontdesk/patients/" + registry));

        Locator granted = desk.locator("tr.grant");
        assertThat(granted).hasCount(1);
        assertThat(granted.locator("td[data-label=Physician]")).containsText(name);
        assertThat(granted.locator("td[data-label=Physician]")).containsText("Harbour Clinic");
        assertThat(granted.locator("td[data-label=Study]")).containsText("15 Jan 2026, CT CHEST");
        assertThat(granted.locator(".scope")).hasText("whole study, view only");
        assertThat(granted.locator("td[data-label=Purpose]")).hasText("Second opinion");
        assertThat(granted.locator("td[data-label=Since]"))
                .hasText(shown(iso("created_at", "share_grant"), grant, false));
        assertThat(granted.locator("td[data-label=Expires]"))
                .hasText(shown(iso("expires_at", "share_grant"), grant, true));

        Locator linked = desk.locator("tr.link");
        assertThat(linked).hasCount(1);
        assertThat(linked.locator("td[data-label=For]")).hasText("Dr Amara Okafor");
        assertThat(linked.locator("td[data-label=Study]")).containsText("15 Jan 2026, CT CHEST");
        assertThat(linked.locator(".scope")).hasText("1 series, view only");
        assertThat(linked.locator("td[data-label=Purpose]")).hasText("Second opinion");
        assertThat(linked.locator("td[data-label=Created]"))
                .hasText(shown(iso("created_at", "share_link"), link.id(), false));
        assertThat(linked.locator("td[data-label=Expires]"))
                .hasText(shown(iso("expires_at", "share_link"), link.id(), true));
        assertThat(linked.locator("td[data-label=Opened]")).hasText("yes, 1 time, last "
                + shown(iso("last_opened_at", "share_link"), link.id(), true));

        // each study leads to its de-identified copy
        assertThat(desk.locator("tr.study a.deid-copy")).hasText("De-identified copy");
        assertThat(desk.locator("tr.study a.deid-copy")).hasAttribute("href", "/frontdesk/deid?study=" + p.studyId());
        // on a phone (390 px) the tables are cards: the page is no wider than the screen
        org.assertj.core.api.Assertions.assertThat(((Number) desk.evaluate(
                "() => document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);

        // without the box ticked (the browser asks for it; a post without it is refused too) nothing is revoked
        String grantEnds = name + " can no longer open CT CHEST of 15 Jan 2026. This cannot be undone.";
        assertThat(granted.locator("label.confirm")).hasText("I understand: " + grantEnds);
        granted.locator("input[name=confirm]").evaluate("box => { box.required = false; }");
        granted.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(desk.locator(".errors")).containsText("tick the box to confirm: " + grantEnds);
        assertThat(desk.locator("tr.grant")).hasCount(1);
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db,
                "SELECT (revoked_at IS NULL)::text FROM portal.share_grant WHERE id = ?::uuid", grant))
                .isEqualTo("true");
        given().auth().oauth2(doctorToken).get(studyMetadata).then().statusCode(200);

        desk.locator("tr.grant input[name=confirm]").check();
        desk.locator("tr.grant").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(desk.locator(".notice"))
                .hasText("The grant was revoked. The physician can no longer open the study.");
        assertThat(desk.locator("tr.grant")).hasCount(0);
        assertThat(desk.locator("#no-grants")).isVisible();
        assertThat(desk.locator("tr.link")).hasCount(1);
        given().auth().oauth2(doctorToken).get(studyMetadata).then().statusCode(404);
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'share.revoked' AND detail->>'grant' = '" + grant
                + "'", clerk.id())).isEqualTo("1");

        // a share is revoked only from its own patient's page: under another patient's it is not found
        String csrf = desk.locator("input[name=_csrf]").first().inputValue();
        com.microsoft.playwright.APIResponse elsewhere = desk.request().post(
                url("/frontdesk/patients/" + otherRegistry + "/shares/" + link.id() + "/revoke"),
                com.microsoft.playwright.options.RequestOptions.create().setForm(
                        com.microsoft.playwright.options.FormData.create().set("_csrf", csrf).set("confirm", "yes")));
        org.assertj.core.api.Assertions.assertThat(elsewhere.status()).isEqualTo(404);
        given().cookie("portal_link", session).get(linkMetadata).then().statusCode(200);

        // the link the same way
        String linkEnds = "the link for Dr Amara Okafor no longer opens CT CHEST of 15 Jan 2026, not even where it "
                + "is open already. This cannot be undone.";
        linked = desk.locator("tr.link");
        assertThat(linked.locator("label.confirm")).hasText("I understand: " + linkEnds);
        linked.locator("input[name=confirm]").evaluate("box => { box.required = false; }");
        linked.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(desk.locator(".errors")).containsText("tick the box to confirm: " + linkEnds);
        assertThat(desk.locator("tr.link")).hasCount(1);
        given().cookie("portal_link", session).get(linkMetadata).then().statusCode(200);

        desk.locator("tr.link input[name=confirm]").check();
        desk.locator("tr.link").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke")).click();
        assertThat(desk.locator(".notice")).hasText(
                "The share link was revoked. It no longer opens anything, not even where it is open already.");
        assertThat(desk.locator("tr.link")).hasCount(0);
        assertThat(desk.locator("#no-links")).isVisible();
        given().cookie("portal_link", session).get(linkMetadata).then().statusCode(404);
        org.assertj.core.api.Assertions.assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.audit_event WHERE actor = ? AND action = 'link.revoked' AND detail->>'link' = '"
                + link.id() + "'", clerk.id())).isEqualTo("1");
    }
}
