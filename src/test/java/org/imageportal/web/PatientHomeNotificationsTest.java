package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A patient sees their notifications on the home page they land on after signing in, new ones first and marked
 * new until read there; other people's home pages show none.
 */
@QuarkusTest
class PatientHomeNotificationsTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aPatientSeesTheirNotificationsOnTheHomePage() throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 9601);
        // after the token was made, so its code's window is this one or an earlier one
        long tokenAt = System.currentTimeMillis();
        ShareLinks.openSession(ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of()));
        // the one-time code of the patient's token is spent: sign in with the next one
        long window = tokenAt / 30_000 + 1;
        Thread.sleep(Math.max(0, window * 30_000 - System.currentTimeMillis() + 500));

        Page home = browser.newPage();
        home.setViewportSize(390, 844);
        home.navigate(url("/home"));
        Browser.signIn(home, p.owner());
        home.waitForURL(url("/home"));
        Locator opened = home.locator("#notifications li", new Page.LocatorOptions().setHasText(
                "The link you made for Dr Amara Okafor was opened"));
        assertThat(opened).hasCount(1);
        assertThat(opened).hasClass("unread");
        assertThat(opened.locator("strong")).hasText("new");

        // read once shown: the next visit shows it without "new", and a newer one first
        ShareLinks.openSession(ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of("recipientName",
                "Dr Bea Second")));
        home.reload();
        Locator items = home.locator("#notifications li");
        assertThat(items.first()).containsText("The link you made for Dr Bea Second was opened");
        assertThat(items.first()).hasClass("unread");
        assertThat(opened).not().hasClass("unread");
        assertThat(opened.locator("strong")).hasCount(0);

        // the same notifications on the sharing page, all read now
        home.navigate(url("/patient/sharing"));
        assertThat(home.locator("#notifications")).containsText("Dr Bea Second");
        assertThat(home.locator("#notifications li.unread")).hasCount(0);

        // staff have no notifications on their home page
        Page desk = browser.newPage();
        desk.navigate(url("/home"));
        Browser.signIn(desk, TestRealm.createUser("frontdesk"));
        desk.waitForURL(url("/home"));
        assertThat(desk.locator("#notifications")).hasCount(0);
    }
}
