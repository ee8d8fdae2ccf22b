package org.imageportal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A form's CSRF token belongs to the signed-in session it was made for: a cookie and token taken from one session
 * and planted in another browser's session do not pass, although both are genuine.
 */
@QuarkusTest
class CsrfSessionBindingTest extends BrowserTest {

    private Page signedIn() {
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.signIn(page, TestRealm.createUser("patient"));
        page.waitForURL(url("/home"));
        return page;
    }

    private static String token(Page page) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.content());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private APIResponse submit(Page page, String token) {
        return page.request().post(url("/test-only/form"),
                RequestOptions.create().setForm(FormData.create().set("_csrf", token).set("note", "hello")));
    }

    @Test
    void aTokenAndCookieFromAnotherSessionAreRefused() {
        Page attacker = signedIn();
        attacker.navigate(url("/test-only/form"));
        String attackersToken = token(attacker);
        Cookie attackersCookie = attacker.context().cookies(url("/")).stream()
                .filter(c -> c.name.equals(CsrfTokens.COOKIE)).findFirst().orElseThrow();

        Page victim = signedIn();
        victim.navigate(url("/test-only/form"));
        String victimsToken = token(victim);
        assertThat(submit(victim, victimsToken).status()).as("the victim's own form").isEqualTo(200);

        // the attacker's genuine pair, planted in the victim's browser
        victim.context().addCookies(List.of(new Cookie(CsrfTokens.COOKIE, attackersCookie.value)
                .setDomain(attackersCookie.domain).setPath(attackersCookie.path)
                .setHttpOnly(true).setSameSite(attackersCookie.sameSite)));
        APIResponse planted = submit(victim, attackersToken);
        assertThat(planted.status()).isEqualTo(403);
        assertThat(planted.text()).contains("csrf");
    }
}
