package org.imageportal.sharing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Guessing codes across links: ten wrong codes from one client address within a quarter hour pause that address
 * (429, even for a right code), without locking any link and without stopping anyone else.
 */
@QuarkusTest
class LinkThrottleTest {

    @Inject
    DataSource db;

    private static Response tryCode(Issued link, String code, String address) {
        return ShareLinks.postCode(link, code, address);
    }

    private static String wrong(Issued link) {
        return (link.code().charAt(0) == '1' ? "2" : "1") + link.code().substring(1);
    }

    @Test
    void tenWrongCodesFromOneAddressPauseThatAddressOnly() throws Exception {
        PatientWithStudy fixture = PatientWithStudy.create(db, 11);
        TestDicom study = fixture.study();
        String token = fixture.ownerToken();
        String studyId = fixture.studyId();
        List<Issued> links = List.of(ShareLinks.issue(token, studyId, Map.of()),
                ShareLinks.issue(token, studyId, Map.of()), ShareLinks.issue(token, studyId, Map.of()));

        String guesser = Browser.someClientAddress();
        // 4 + 4 + 2 wrong codes: no link reaches its own limit of 5
        int[] attempts = {4, 4, 2};
        for (int l = 0; l < links.size(); l++) {
            for (int i = 0; i < attempts[l]; i++) {
                assertThat(tryCode(links.get(l), wrong(links.get(l)), guesser).statusCode()).isEqualTo(400);
            }
        }
        Response paused = tryCode(links.get(2), links.get(2).code(), guesser);
        assertThat(paused.statusCode()).as("the address is paused, even for the right code").isEqualTo(429);
        assertThat(paused.asString()).contains("Too many wrong codes");
        for (Issued link : links) {
            assertThat(Dicomweb.queryString(db, "SELECT (locked_at IS NULL)::text || '/' || opens FROM "
                    + "portal.share_link WHERE id = ?::uuid", link.id())).isEqualTo("true/0");
        }
        // someone else, elsewhere, opens the same link with its code
        assertThat(tryCode(links.get(2), links.get(2).code(), Browser.someClientAddress()).statusCode())
                .isEqualTo(303);

        // the count lives in PostgreSQL, where every portal instance reads it, keyed so no address is kept in the
        // clear; once the window has passed it no longer counts, and it is removed as new failures arrive
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.client_code_failure "
                + "WHERE client = ?", guesser)).isEqualTo("0");
        assertThat(Integer.parseInt(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.client_code_failure WHERE at > now() - interval '15 minutes' AND length(client) = ?::int",
                "64"))).isGreaterThanOrEqualTo(10);
        try (java.sql.Connection c = org.imageportal.support.DbOwner.connect();
                java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE portal.client_code_failure SET at = at - interval '16 minutes'");
        }
        assertThat(tryCode(links.get(2), links.get(2).code(), guesser).statusCode())
                .as("a quarter hour later the address may try again").isEqualTo(303);
        assertThat(tryCode(links.get(2), wrong(links.get(2)), guesser).statusCode()).isEqualTo(400);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.client_code_failure WHERE "
                + "at <= now() - interval '15 minutes' AND length(client) = ?::int", "64")).isEqualTo("0");
    }

    /** The landing page's form, ready to post: its CSRF cookie and field. */
    private record Form(Issued link, String cookie, String field) {
    }

    private static Form form(Issued link, String address) {
        Response landing = given().header("X-Forwarded-For", address).get(link.path());
        java.util.regex.Matcher field = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(landing.asString());
        assertThat(field.find()).isTrue();
        return new Form(link, landing.getCookie("portal_csrf"), field.group(1));
    }

    @Test
    void aBurstOfParallelGuessesFromOneAddressCountsNoMoreThanTheLimit() throws Exception {
        PatientWithStudy fixture = PatientWithStudy.create(db, 12);
        List<Issued> links = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            links.add(ShareLinks.issue(fixture.ownerToken(), fixture.studyId(), Map.of()));
        }
        String guesser = Browser.someClientAddress();
        // 4 guesses per link (under each link's own limit), 20 in all, sent at once
        List<Form> forms = new java.util.ArrayList<>();
        for (Issued link : links) {
            for (int i = 0; i < 4; i++) {
                forms.add(form(link, guesser));
            }
        }
        long before = Long.parseLong(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.client_code_failure "
                + "WHERE length(client) = ?::int", "64"));
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(forms.size())) {
            for (Form f : forms) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().redirects().follow(false).header("X-Forwarded-For", guesser)
                            .cookie("portal_csrf", f.cookie()).contentType(io.restassured.http.ContentType.URLENC)
                            .formParam("_csrf", f.field()).formParam("name", ShareLinks.CLAIMED_NAME)
                            .formParam("code", wrong(f.link())).post(f.link().path()).statusCode();
                }));
            }
            start.countDown();
        }
        Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
        for (var answer : answers) {
            byStatus.merge(answer.get(), 1, Integer::sum);
        }
        long counted = Long.parseLong(Dicomweb.queryString(db, "SELECT count(*)::text FROM "
                + "portal.client_code_failure WHERE length(client) = ?::int", "64")) - before;
        // counted one after another: exactly the limit passes, every other guess is paused
        assertThat(counted).as("wrong codes counted against the address (answers " + byStatus + ")")
                .isEqualTo(LinkOpeningService.CLIENT_FAILURES);
        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(Map.of(400, LinkOpeningService.CLIENT_FAILURES, 429,
                forms.size() - LinkOpeningService.CLIENT_FAILURES));
    }
}
