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
        Page page = providersPage("privacy-officer");
        invite(page, "Rita", "Referrer", "1234567894", "Lakeside Cardiology");
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

    @Test
    void aBadNpiIsExplainedInWordsNextToItsFieldAndKeptAsTyped() {
        Page page = providersPage("admin");
        invite(page, "Omar", "Typo", "12345-6789", "Hillside Orthopaedics");
        assertThat(page.locator("#npi-error")).containsText("The NPI has 10 digits");
        assertThat(page.locator("#npi")).hasValue("12345-6789");
        assertThat(page.locator("#npi")).hasAttribute("aria-describedby", "npi-error");
        assertThat(page.locator(".errors")).containsText("The NPI has 10 digits");
        assertThat(page.locator(".errors")).not().containsText("npi:");
        assertThat(page.locator("main")).not().containsText("npi:");

        // a wrong check digit: the number as typed, in a sentence
        page.fill("#npi", "1234567894");
        page.click("#invite");
        assertThat(page.locator("#npi-error")).containsText("The NPI 1234567894 is not valid");
        assertThat(page.locator("#npi")).hasValue("1234567894");
        assertThat(page.locator("#organisation")).hasValue("Hillside Orthopaedics");
        assertThat(page.locator("main")).not().containsText("npi:");
    }

    /** The physicians' page, signed in with a new account of the role. */
    private Page providersPage(String role) {
        Page page = browser.newPage();
        page.navigate(url("/admin/providers"));
        Browser.signIn(page, TestRealm.createUser(role));
        page.waitForURL(url("/admin/providers"));
        return page;
    }

    private static void invite(Page page, String given, String family, String npi, String organisation) {
        page.fill("#givenName", given);
        page.fill("#familyName", family);
        page.fill("#npi", npi);
        page.fill("#organisation", organisation);
        page.fill("#email", "dr-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example");
        page.click("#invite");
    }
}
