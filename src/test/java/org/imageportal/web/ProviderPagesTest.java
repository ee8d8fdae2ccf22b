package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.UUID;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/** The privacy officer invites a referring physician from the page; a mistyped NPI is caught on the form. */
@QuarkusTest
class ProviderPagesTest extends BrowserTest {

    @Test
    void thePrivacyOfficerInvitesAPhysicianAndGetsTheInvitation() {
        Page page = browser.newPage();
        page.navigate(url("/admin/providers"));
        Browser.signIn(page, TestRealm.createUser("privacy-officer"));
        page.waitForURL(url("/admin/providers"));
        page.fill("#givenName", "Rita");
        page.fill("#familyName", "Referrer");
        page.fill("#npi", "1234567894");
        page.fill("#organisation", "Lakeside Cardiology");
        String email = "dr-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
        page.fill("#email", email);
        page.click("#invite");
        assertThat(page.locator(".errors")).containsText("check digit");
        assertThat(page.locator("#organisation")).hasValue("Lakeside Cardiology");

        page.fill("#npi", org.imageportal.providers.TestNpi.random());
        page.click("#invite");
        assertThat(page.locator("h1")).hasText("Your physician access to the patient image portal");
        assertThat(page.locator("#slip-code")).hasText(java.util.regex.Pattern.compile(
                "[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"));
        page.navigate(url("/admin/providers"));
        assertThat(page.locator("table.providers")).containsText("Rita Referrer");
    }
}
