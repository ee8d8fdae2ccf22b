package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.SmtpSink;
import org.imageportal.support.TestRealm;
import org.imageportal.support.TestRealm.User;
import org.imageportal.support.Totp;
import org.imageportal.support.WithSmtp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A forgotten password, reset by the person alone: Keycloak mails a link (here to the tests' SMTP sink, which the
 * test realm is configured with), the authenticator's code is still asked, and only then a new password is set.
 */
@QuarkusTest
@TestProfile(WithSmtp.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordResetTest extends BrowserTest {

    private static final Pattern RESET_LINK = Pattern
            .compile("(http://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+)");

    private SmtpSink keycloakMail;

    @BeforeAll
    void listen() {
        keycloakMail = SmtpSink.listen("keycloak-smtp");
    }

    @AfterAll
    void stop() {
        keycloakMail.close();
    }

    @Test
    void theWelcomePageSaysHowToResetByMail() {
        Page page = browser.newPage();
        page.navigate(url("/"));
        assertThat(page.locator("#lost-access")).containsText("Forgot Password?");
        assertThat(page.locator("#lost-access")).containsText("authenticator app is asked");
    }

    @Test
    void aLinkByMailThenTheCodeThenANewPassword() throws Exception {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(resetLink(page, patient));
        // the link alone is not enough: the authenticator's code comes before any new password
        assertThat(page.locator("#otp")).isVisible();
        assertThat(page.locator("#password-new")).hasCount(0);
        Browser.enterCode(page, Totp.now(patient.totpSecret()));

        String newPassword = "New-" + java.util.UUID.randomUUID();
        page.locator("#password-new").fill(newPassword);
        page.locator("#password-confirm").fill(newPassword);
        page.locator("#password-confirm").press("Enter");
        page.waitForURL(url("/home"));
        assertThat(page.locator("h1")).containsText(patient.displayName());

        // the old password no longer works; the new one does, with the code as always
        assertThat(TestRealm.passwordSignIn(patient.username(), patient.password()).jsonPath()
                .getString("error_description")).contains("Invalid user credentials");
        assertThat(TestRealm.passwordSignIn(patient.username(), newPassword).statusCode()).isEqualTo(200);
        Page again = browser.newPage();
        again.navigate(url("/home"));
        again.locator("#username").fill(patient.username());
        again.locator("#password").fill(newPassword);
        again.locator("#kc-login").click();
        Browser.enterCode(again, Totp.code(patient.totpSecret(), Instant.now().plusSeconds(30)));
        again.waitForURL(url("/home"));
        assertThat(again.locator("h1")).containsText(patient.displayName());
    }

    @Test
    void aWrongCodeAfterTheLinkSetsNoPassword() throws Exception {
        User patient = TestRealm.createUser("patient");
        Page page = browser.newPage();
        page.navigate(resetLink(page, patient));
        Browser.enterCode(page, Totp.wrong(patient.totpSecret()));
        assertThat(page.locator("#otp")).isVisible();
        assertThat(page.locator("#password-new")).hasCount(0);
        assertThat(TestRealm.passwordSignIn(patient.username(), patient.password()).statusCode())
                .isEqualTo(200);
    }

    /** Asks for a reset on Keycloak's sign-in page and returns the link that arrives by mail. */
    private String resetLink(Page page, User patient) throws InterruptedException {
        page.navigate(url("/home"));
        page.locator("a[href*='login-actions/reset-credentials']").click();
        page.locator("#username").fill(patient.username());
        page.locator("#username").press("Enter");
        assertThat(page.locator("body")).containsText("email");

        SmtpSink.Message mail = keycloakMail.next(30);
        assertThat(mail).as("Keycloak's reset mail").isNotNull();
        assertThat(mail.recipients()).containsExactly(patient.username() + "@test.example");
        String content = quotedPrintable(mail.content());
        assertThat(content).doesNotContain(patient.password());
        Matcher link = RESET_LINK.matcher(content);
        assertThat(link.find()).as("a reset link in " + content).isTrue();
        return link.group(1).replace("&amp;", "&");
    }

    /** Keycloak's mail parts are quoted-printable: soft line breaks and escaped equals signs. */
    private static String quotedPrintable(String content) {
        return content.replace("=\r\n", "").replace("=3D", "=");
    }
}
