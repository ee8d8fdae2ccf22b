package org.imageportal.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Share links in tests: issued by a patient through the API, opened with the access code as a browser would. */
public final class ShareLinks {

    /** The name the recipient gives when opening a link in these tests. */
    public static final String CLAIMED_NAME = "Amara Okafor";

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private ShareLinks() {
    }

    /** A link as issued: the URL and the access code are shown only this once. */
    public record Issued(String url, String code, String id) {

        /** The link's path, e.g. /s/TOKEN. */
        public String path() {
            return URI.create(url).getRawPath();
        }
    }

    public static Issued issue(String patientToken, String studyId, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("studyId", studyId, "recipientName", "Dr Amara Okafor",
                "purpose", "SECOND_OPINION"));
        body.putAll(extra);
        Response issued = given().auth().oauth2(patientToken).contentType(ContentType.JSON).body(body)
                .post("/api/sharing/links");
        issued.then().statusCode(201);
        return new Issued(issued.jsonPath().getString("url"), issued.jsonPath().getString("accessCode"),
                issued.jsonPath().getString("id"));
    }

    /** Enters the code on the landing page (with its CSRF token) and returns the link session cookie. */
    public static String openSession(Issued link) {
        Response opened = postCode(link, link.code(), null);
        assertThat(opened.statusCode()).isEqualTo(303);
        String session = opened.getCookie("portal_link");
        assertThat(session).isNotBlank();
        assertThat(opened.getDetailedCookie("portal_link").getPath()).isEqualTo(link.path());
        return session;
    }

    /**
     * Posts a name and a code to the link's landing page as a browser would (CSRF token from the page), from the
     * client address {@code address} as the portal's trusted proxy reports it (null: the test's own).
     */
    public static Response postCode(Issued link, String code, String address) {
        return postCode(null, null, link, code, address);
    }

    /**
     * The same with the landing page from the portal at {@code landingBase} and the form posted to the one at
     * {@code postBase} (null: the suite's own portal), as two instances of a cluster would serve them.
     */
    public static Response postCode(String landingBase, String postBase, Issued link, String code, String address) {
        Response landing = client(landingBase, address).redirects().follow(false).get(link.path());
        assertThat(landing.statusCode()).isEqualTo(200);
        Matcher field = CSRF_FIELD.matcher(landing.asString());
        assertThat(field.find()).as("the landing page carries a CSRF field").isTrue();
        return client(postBase, address).redirects().follow(false)
                .cookie("portal_csrf", landing.getCookie("portal_csrf"))
                .contentType(ContentType.URLENC).formParam("_csrf", field.group(1)).formParam("name", CLAIMED_NAME)
                .formParam("code", code).post(link.path());
    }

    private static RequestSpecification client(String base, String address) {
        RequestSpecification client = base == null ? given() : given().baseUri(base);
        return address == null ? client : client.header("X-Forwarded-For", address);
    }
}
