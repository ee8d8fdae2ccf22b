package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PageSession;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * In real Chromium, on a phone's width: the administrator registers a DICOM node from the page, is shown a mistyped
 * range beside its field with what was typed kept, finds the node listed (and in the JSON registry, as the listener
 * reads it), and removes it once the box saying what stops is ticked.
 */
@QuarkusTest
class DimsePeerPagesTest extends BrowserTest {

    @Test
    void anAdministratorRegistersANodeCorrectsARangeAndRemovesItOnceConfirmed() {
        String calling = "CT" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String fromApi = "MR" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String apiToken = TestRealm.mfaToken(TestRealm.createUser("admin"));
        // a node registered through the JSON API is on the page too
        String apiId = given().auth().oauth2(apiToken).contentType(ContentType.JSON)
                .body(Map.of("callingAeTitle", fromApi, "addresses", List.of("198.51.100.7")))
                .post("/api/dimse/peers").then().statusCode(201).extract().path("id");

        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, TestRealm.createUser("admin"));
        page.getByText("DICOM nodes").first().click();
        page.waitForURL(url("/admin/dimse/peers"));
        assertThat(page.locator("tr.peer", new Page.LocatorOptions().setHasText(fromApi)))
                .containsText("198.51.100.7");

        page.fill("#callingAeTitle", calling);
        page.fill("#addresses", "10.20.0.0/16\n10.20.300.0/24");
        page.fill("#calledAeTitle", "IMAGEPORTAL");
        page.fill("#certificateSubject", "CN=CT room 1, O=Radiology");
        page.fill("#description", "CT room 1");
        int status = page.waitForResponse(r -> r.request().method().equals("POST")
                && r.url().endsWith("/admin/dimse/peers"), () -> page.click("#add-node")).status();
        org.assertj.core.api.Assertions.assertThat(status).isEqualTo(400);
        assertThat(page.locator("#addresses-error")).containsText("not an IP address or CIDR range");
        assertThat(page.locator("#addresses")).hasAttribute("aria-invalid", "true");
        assertThat(page.locator(".errors")).containsText("Addresses");
        assertThat(page.locator("#callingAeTitle-error")).hasCount(0);
        assertThat(page.locator("#callingAeTitle")).hasValue(calling);
        assertThat(page.locator("#addresses")).hasValue("10.20.0.0/16\n10.20.300.0/24");
        assertThat(page.locator("#certificateSubject")).hasValue("CN=CT room 1, O=Radiology");
        assertThat(page.locator("#description")).hasValue("CT room 1");
        assertThat(page.locator("tr.peer", new Page.LocatorOptions().setHasText(calling))).hasCount(0);

        page.fill("#addresses", "10.20.0.0/16, 192.0.2.17");
        page.click("#add-node");
        assertThat(page.locator(".notice")).containsText("The node was registered");
        Locator row = page.locator("tr.peer", new Page.LocatorOptions().setHasText(calling));
        assertThat(row.locator(".addresses li")).hasText(new String[]{"10.20.0.0/16", "192.0.2.17"});
        assertThat(row.locator(".called")).hasText("IMAGEPORTAL");
        assertThat(row.locator(".subject")).hasText("CN=CT room 1,O=Radiology");
        assertThat(row.locator(".added")).containsText("UTC");
        // on a phone (390 px) each node is a card: nothing overflows, every value is under its name
        org.assertj.core.api.Assertions.assertThat(((Number) page.evaluate(
                "() => document.documentElement.scrollWidth")).intValue()).isLessThanOrEqualTo(390);
        org.assertj.core.api.Assertions.assertThat(row.locator(".called").boundingBox().y)
                .isGreaterThan(row.locator(".addresses").boundingBox().y);
        assertThat(page.locator("table.peers thead")).not().isInViewport();

        // the registry behind the API holds what the page registered
        JsonPath peers = given().auth().oauth2(apiToken).get("/api/dimse/peers").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Object> added = peers.getMap("find { it.callingAeTitle == '" + calling + "' }");
        org.assertj.core.api.Assertions.assertThat(added).containsEntry("calledAeTitle", "IMAGEPORTAL")
                .containsEntry("addresses", List.of("10.20.0.0/16", "192.0.2.17"))
                .containsEntry("certificateSubject", "CN=CT room 1,O=Radiology")
                .containsEntry("description", "CT room 1");

        // a title already registered, or one DICOM does not allow, comes back beside its field as typed
        PageSession session = PageSession.of(page, url("/"));
        session.form().formParam("callingAeTitle", calling).formParam("addresses", "192.0.2.99")
                .post("/admin/dimse/peers").then().statusCode(400)
                .body(containsString("another node is registered with this calling AE title"))
                .body(containsString("value=\"" + calling + "\""));
        session.form().formParam("callingAeTitle", "CT\\ROOM").formParam("addresses", "192.0.2.99")
                .post("/admin/dimse/peers").then().statusCode(400)
                .body(containsString("id=\"callingAeTitle-error\""))
                .body(containsString("no backslash"));
        // a removal without the box ticked does nothing
        String id = (String) added.get("id");
        session.form().post("/admin/dimse/peers/" + id + "/delete").then().statusCode(400)
                .body(containsString("tick the box to confirm"));

        // the browser asks for the box before it sends anything
        String before = page.url();
        row.locator("button.remove-peer").click();
        assertThat(page).hasURL(before);
        assertThat(row).hasCount(1);
        row.locator("input[name=confirm]").check();
        row.locator("button.remove-peer").click();
        assertThat(page.locator(".notice")).containsText("The node was removed");
        assertThat(page.locator("tr.peer", new Page.LocatorOptions().setHasText(calling))).hasCount(0);
        given().auth().oauth2(apiToken).get("/api/dimse/peers/" + id).then().statusCode(404);

        given().auth().oauth2(apiToken).delete("/api/dimse/peers/" + apiId).then().statusCode(204);
    }
}
