package org.imageportal.support;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A signed-in browser's session for REST Assured: its cookies and the CSRF token of the page it shows, so a test
 * can post a page's form exactly as the browser would, or leave out a field the browser would insist on.
 */
public record PageSession(Map<String, String> cookies, String csrf) {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** The session of the page (which must show a form of the portal's). */
    public static PageSession of(Page page, String base) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (Cookie cookie : page.context().cookies()) {
            if (base.contains(cookie.domain)) {
                cookies.put(cookie.name, cookie.value);
            }
        }
        Matcher csrf = CSRF_FIELD.matcher(page.content());
        if (!csrf.find()) {
            throw new AssertionError("the page has no form with a CSRF token");
        }
        return new PageSession(cookies, csrf.group(1));
    }

    /** A form post of this session (redirects not followed), the token among the fields. */
    public RequestSpecification form() {
        RequestSpecification r = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("_csrf", csrf);
        cookies.forEach(r::cookie);
        return r;
    }
}
