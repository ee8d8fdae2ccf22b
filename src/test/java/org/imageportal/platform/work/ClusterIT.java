package org.imageportal.platform.work;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ProdPortal;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Two packaged portals in the production profile on one database and one bucket, as a cluster runs: every
 * scheduled job runs once per period between them, wrong access codes count across both, and what one instance
 * hands out (a form's CSRF token) the other accepts.
 */
class ClusterIT {

    /** Every claimed job every two seconds, starting a second after start. */
    private static final Map<String, String> FAST_JOBS = Map.ofEntries(
            Map.entry("PORTAL_AUDIT_ANCHOR_EVERY", "2s"), Map.entry("PORTAL_AUDIT_ANCHOR_FIRST_AFTER", "1s"),
            Map.entry("PORTAL_AUDIT_VERIFY_EVERY", "2s"), Map.entry("PORTAL_AUDIT_VERIFY_FIRST_AFTER", "1s"),
            Map.entry("PORTAL_RETENTION_EVERY", "2s"), Map.entry("PORTAL_RETENTION_FIRST_AFTER", "1s"),
            Map.entry("PORTAL_INGEST_SWEEP_EVERY", "2s"),
            Map.entry("PORTAL_IDENTITY_ACTIVATION_SWEEP_EVERY", "2s"),
            Map.entry("PORTAL_IDENTITY_ACTIVATION_SWEEP_FIRST_AFTER", "1s"));
    private static final List<String> JOBS = List.of("audit.anchor", "audit.verify", "retention",
            "ingest.orphan-sweep", "identity.activation-sweep");
    private static final Pattern RUNS = Pattern
            .compile(
                    "(?m)^portal_jobs_runs_total\\{(?=[^}]*job=\"([^\"]+)\")(?=[^}]*outcome=\"([^\"]+)\")[^}]*} (\\S+)");

    private static ProdPortal a;
    private static ProdPortal b;

    @BeforeAll
    static void startTwo() throws Exception {
        a = ProdPortal.start(Files.createDirectories(Path.of("target", "cluster-a")), FAST_JOBS);
        b = ProdPortal.start(Files.createDirectories(Path.of("target", "cluster-b")), FAST_JOBS);
    }

    @AfterAll
    static void stopBoth() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        RestAssured.reset();
    }

    @Test
    void eachScheduledJobRunsOncePerPeriodAcrossTheInstances() throws Exception {
        Map<String, Double> a0 = runs(a);
        Map<String, Double> b0 = runs(b);
        Thread.sleep(16_000);
        Map<String, Double> a1 = runs(a);
        Map<String, Double> b1 = runs(b);
        for (String job : JOBS) {
            double firedA = delta(a0, a1, job, "ran") + delta(a0, a1, job, "skipped");
            double firedB = delta(b0, b1, job, "ran") + delta(b0, b1, job, "skipped");
            double ran = delta(a0, a1, job, "ran") + delta(b0, b1, job, "ran");
            String counts = job + ": fired " + firedA + " + " + firedB + ", ran " + ran;
            System.out.println("cluster jobs, 16 s at one run per 2 s: " + counts);
            assertThat(firedA).as("instance A's timer fires: " + counts).isGreaterThanOrEqualTo(5);
            assertThat(firedB).as("instance B's timer fires: " + counts).isGreaterThanOrEqualTo(5);
            assertThat(ran).as("one run per period between both: " + counts)
                    .isBetween(Math.min(firedA, firedB) - 2, Math.max(firedA, firedB) + 1);
        }
        assertThat(a.alive() && b.alive()).isTrue();
    }

    @Test
    void wrongCodesCountAcrossInstancesAndEitherAcceptsTheOthersForm() throws Exception {
        use(a);
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl("jdbc:postgresql://" + env("PORTAL_DB_HOST", "127.0.0.1") + ":" + env("PORTAL_DB_PORT", "5432")
                + "/" + env("PORTAL_DB_NAME", "portal_test"));
        db.setUser(env("PORTAL_DB_APP_USER", "portal_app"));
        db.setPassword(System.getenv("PORTAL_DB_APP_PASSWORD"));
        PatientWithStudy fixture = PatientWithStudy.create(db, 97);
        List<Issued> links = List.of(ShareLinks.issue(fixture.ownerToken(), fixture.studyId(), Map.of()),
                ShareLinks.issue(fixture.ownerToken(), fixture.studyId(), Map.of()),
                ShareLinks.issue(fixture.ownerToken(), fixture.studyId(), Map.of()));
        String guesser = unusedAddress();
        // ten wrong codes, landing on one instance and posting to the other in turn: five reach each
        int[] attempts = {4, 4, 2};
        int n = 0;
        for (int l = 0; l < links.size(); l++) {
            for (int i = 0; i < attempts[l]; i++, n++) {
                Issued link = links.get(l);
                Response answer = n % 2 == 0
                        ? code(a, b, link, wrong(link), guesser)
                        : code(b, a, link, wrong(link), guesser);
                assertThat(answer.statusCode()).as("wrong code " + (n + 1) + ", the form from the other instance")
                        .isEqualTo(400);
            }
        }
        for (ProdPortal either : List.of(a, b)) {
            Response paused = code(either, either, links.get(2), links.get(2).code(), guesser);
            assertThat(paused.statusCode()).as("the address is paused on every instance").isEqualTo(429);
        }
        Response other = code(b, b, links.get(2), links.get(2).code(), unusedAddress());
        assertThat(other.statusCode()).as("another address is not").isIn(200, 302, 303);
    }

    /** The landing page from {@code from}, its form posted to {@code to}. */
    private static Response code(ProdPortal from, ProdPortal to, Issued link, String code, String address) {
        return ShareLinks.postCode(from.base(), to.base(), link, code, address);
    }

    private static final java.util.Random ADDRESSES = new java.security.SecureRandom();

    /**
     * A client address no other test has used: the throttle's count lives in the shared database, and the test
     * suite's own address counter starts over in every JVM.
     */
    private static String unusedAddress() {
        return "100." + (64 + ADDRESSES.nextInt(64)) + "." + ADDRESSES.nextInt(256) + "."
                + (1 + ADDRESSES.nextInt(254));
    }

    private static String wrong(Issued link) {
        return (link.code().charAt(0) == '1' ? "2" : "1") + link.code().substring(1);
    }

    private static void use(ProdPortal portal) {
        URI base = URI.create(portal.base());
        RestAssured.baseURI = base.getScheme() + "://" + base.getHost();
        RestAssured.port = base.getPort();
    }

    private static Map<String, Double> runs(ProdPortal portal) {
        String text = given().baseUri(portal.base()).get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Double> out = new HashMap<>();
        Matcher m = RUNS.matcher(text);
        while (m.find()) {
            out.put(m.group(1) + "/" + m.group(2), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String job, String outcome) {
        String key = job + "/" + outcome;
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }
}
