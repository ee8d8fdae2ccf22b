package org.imageportal.platform.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Security headers on every kind of response, and the CSRF rule on forms. */
@QuarkusTest
class BrowserProtectionTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/me", "/q/health/ready", "/css/portal.css", "/no-such-page", "/home"})
    void everyResponseCarriesStrictSecurityHeaders(String path) {
        given().redirects().follow(false).accept("text/html").get(path).then()
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", containsString("object-src 'none'"))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("X-Frame-Options", equalTo("DENY"))
                .header("Referrer-Policy", equalTo("no-referrer"))
                .header("Strict-Transport-Security", nullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/me", "/no-such-page"})
    void pagesAndApisAreNeverCached(String path) {
        given().get(path).then().header("Cache-Control", equalTo("no-store"));
    }

    @Test
    void hstsIsSentOverTls() {
        given().header("X-Forwarded-Proto", "https").get("/").then()
                .header("Strict-Transport-Security", containsString("max-age="));
    }

    @Test
    void unknownPageIsAReadable404PageForPeopleAndProblemJsonForPrograms() {
        given().accept("text/html").get("/no-such-page").then().statusCode(404)
                .contentType(containsString("text/html"))
                .body(containsString("Not found"));
        given().accept("application/json").get("/api/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://imageportal.org/problems/not-found"));
    }

    @Test
    void formWithoutTokenIsRefused() {
        Response page = given().get("/test-only/form");
        given().cookie(CsrfTokens.COOKIE, page.cookie(CsrfTokens.COOKIE)).formParam("note", "x")
                .accept("text/html").post("/test-only/form").then().statusCode(403)
                .body(containsString("The form expired"));
    }

    @Test
    void formWithTokenButWithoutItsCookieIsRefused() {
        Response page = given().get("/test-only/form");
        given().formParam(CsrfTokens.FIELD, token(page)).formParam("note", "x")
                .post("/test-only/form").then().statusCode(403)
                .body("type", equalTo("https://imageportal.org/problems/csrf"));
    }

    @Test
    void tokenOfAnotherBrowserIsRefused() {
        Response mine = given().get("/test-only/form");
        Response theirs = given().get("/test-only/form");
        given().cookie(CsrfTokens.COOKIE, mine.cookie(CsrfTokens.COOKIE))
                .formParam(CsrfTokens.FIELD, token(theirs)).formParam("note", "x")
                .post("/test-only/form").then().statusCode(403);
    }

    @Test
    void formFromAnotherOriginIsRefusedEvenWithAValidToken() {
        Response page = given().get("/test-only/form");
        given().cookie(CsrfTokens.COOKIE, page.cookie(CsrfTokens.COOKIE)).header("Origin", "https://evil.example")
                .formParam(CsrfTokens.FIELD, token(page)).formParam("note", "x")
                .post("/test-only/form").then().statusCode(403);
    }

    @Test
    void formWithItsTokenAndCookieIsAccepted() {
        Response page = given().get("/test-only/form");
        given().cookie(CsrfTokens.COOKIE, page.cookie(CsrfTokens.COOKIE))
                .formParam(CsrfTokens.FIELD, token(page)).formParam("note", "hello")
                .post("/test-only/form").then().statusCode(200).body(equalTo("accepted hello"));
    }

    @Test
    void csrfCookieIsHttpOnlyAndStrict() {
        given().get("/test-only/form").then()
                .header("Set-Cookie", containsString("HTTPOnly"))
                .header("Set-Cookie", containsString("SameSite=Strict"))
                .header("Set-Cookie", not(containsString("Domain=")));
    }

    private static String token(Response page) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.asString());
        if (!m.find()) {
            throw new AssertionError("no CSRF field in " + page.asString());
        }
        return m.group(1);
    }
}
