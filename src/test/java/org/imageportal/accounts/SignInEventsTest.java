package org.imageportal.accounts;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.imageportal.support.Totp;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Sign-ins happen in Keycloak; the audit trail still records them: on the real sign-in pages, a refused password, a
 * refused one-time code and a successful sign-in each become one entry (told apart), as does the role given to a new
 * account; an unknown user name is recorded without the name typed in; an event is copied once however often the
 * import runs.
 */
@QuarkusTest
class SignInEventsTest extends BrowserTest {

    @Inject
    SignInEventImporter importer;

    @Inject
    DataSource db;

    private List<String> rows(String sql, String param) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> actions(String actor) throws Exception {
        return rows("SELECT action || '/' || outcome FROM portal.audit_event WHERE actor = ? "
                + "AND action LIKE 'auth.%' ORDER BY id", actor);
    }

    @Test
    void refusedPasswordsRefusedCodesAndSignInsReachTheTrailOnce() throws Exception {
        TestRealm.User user = TestRealm.createUser("patient");
        TestRealm.User wrongPassword = new TestRealm.User(user.id(), user.username(), "not-the-password",
                user.totpSecret(), user.firstName(), user.lastName());
        Page page = browser.newPage();
        page.navigate(url("/patient"));
        Browser.enterPassword(page, wrongPassword);
        assertThat(page.locator("#password")).isVisible();
        Browser.enterPassword(page, user);
        Browser.enterCode(page, Totp.wrong(user.totpSecret()));
        assertThat(page.locator("#otp")).isVisible();
        Browser.enterCode(page, Totp.now(user.totpSecret()));
        page.waitForURL(url("/patient"));

        TestRealm.User stranger = new TestRealm.User("none", "nobody-" + System.nanoTime(), "guess", "", "", "");
        Page other = browser.newPage();
        other.navigate(url("/patient"));
        Browser.enterPassword(other, stranger);
        assertThat(other.locator("#password")).isVisible();

        importer.importNow();
        assertThat(actions(user.id())).containsExactly("auth.login-failed/refused", "auth.mfa-failed/refused",
                "auth.login/success");
        // the unknown user is recorded as such, without the name typed in
        List<String> unknown = rows("SELECT detail::text FROM portal.audit_event WHERE actor = ? "
                + "AND action = 'auth.login-failed'", "unknown");
        assertThat(unknown).isNotEmpty()
                .noneMatch(d -> d.contains(stranger.username())).anyMatch(d -> d.contains("user_not_found"));
        // the role the portal gave the new account is an administrative change
        assertThat(rows("SELECT detail->>'path' FROM portal.audit_event "
                + "WHERE action = ?", "auth.role-changed")).contains("users/" + user.id() + "/role-mappings/realm");

        importer.importNow();
        assertThat(actions(user.id())).hasSize(3);
    }

    @Test
    void moreEventsThanOnePageAreAllCopiedOnce() throws Exception {
        TestRealm.User user = TestRealm.createUser("patient");
        importer.importNow();
        int refusals = 520;
        for (int i = 0; i < refusals; i++) {
            // a wrong password each time (the lockout that follows is refused just the same, and recorded)
            io.restassured.RestAssured.given().contentType(io.restassured.http.ContentType.URLENC)
                    .formParam("grant_type", "password").formParam("client_id", "portal-test-nomfa")
                    .formParam("username", user.username()).formParam("password", "wrong-" + i)
                    .post(TestRealm.realmUrl() + "/protocol/openid-connect/token");
        }
        importer.importNow();
        List<String> copied = actions(user.id());
        assertThat(copied).as("every refusal, across pages of 200").hasSizeGreaterThanOrEqualTo(refusals)
                .allMatch(a -> a.endsWith("/refused") || a.startsWith("auth.locked-out"));
        importer.importNow();
        assertThat(actions(user.id())).hasSameSizeAs(copied);
    }
}
