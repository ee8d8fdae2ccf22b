package org.imageportal.platform.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.DbOwner;
import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.Physicians;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.imageportal.support.TestRealm;
import org.imageportal.support.Totp;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.Cookie;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every endpoint of the OpenAPI document, asked by every kind of caller, against one patient's study and the rows
 * around it (grants, links, requests, a break-glass opening, held instances). The expected status of each cell is
 * committed as data ({@code src/test/resources/access-matrix.tsv}, one row per endpoint, one column per caller); the
 * test fails if the document has an endpoint the data lacks (or the other way round), if a cell answers otherwise,
 * or if a cell did not run. What each caller got is written to {@code target/access-matrix.tsv} for review.
 *
 * <p>
 * Callers present everything they hold on every request (bearer token, page-session cookies, CSRF token, link
 * session), as a worst case. State-changing requests carry an empty body, so an allowed caller reaches validation
 * (400) rather than changing the fixture; the few that act without a body (revocations, releases, deletions,
 * sign-out) run after all others, in the file's order, so an earlier cell's effect shows only where it is meant to.
 */
@QuarkusTest
class EndpointAccessMatrixTest extends BrowserTest {

    private static final Path EXPECTED = Path.of("src/test/resources/access-matrix.tsv");
    private static final Path OBSERVED = Path.of("target/access-matrix.tsv");
    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)}");
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Inject
    DataSource db;

    /** One kind of caller and everything it holds. */
    record Caller(String name, String bearer, Map<String, String> cookies, String csrf, String linkToken) {
    }

    /** One operation of the OpenAPI document: method, path template, request and response media types. */
    record Endpoint(String method, String path, String consumes, String produces) {

        String key() {
            return method + " " + path;
        }

        /** Requests whose allowed callers change the fixture although they send no body: these run last. */
        boolean late() {
            return method.equals("DELETE") || path.equals("/signout") || path.equals("/s/{token}") && !method.equals(
                    "GET") || Set.of("revocation", "revoke", "release", "delete", "purge", "mfa-reset", "reissue",
                            "access").contains(path.substring(path.lastIndexOf('/') + 1));
        }
    }

    /** The rows the cells point at. */
    record Fixture(PatientWithStudy owner, TestDicom first, String patientId, String accountingId,
            String recordsRequestId, String breakGlassId, String peerId, List<String> held,
            String grantToRevoke, String linkToRevoke, String linkToken, String auditSeq) {
    }

    @Test
    void everyEndpointAnswersEveryKindOfCallerAsCommitted() throws Exception {
        String address = Browser.someClientAddress();
        Map<String, Caller> callers = new LinkedHashMap<>();
        Fixture f = fixture(callers, address);

        List<Endpoint> endpoints = endpoints(callers.get("admin").bearer());
        endpoints.sort(Comparator.comparing((Endpoint e) -> e.path().equals("/signout"))
                .thenComparing(Endpoint::late).thenComparing(Endpoint::path).thenComparing(Endpoint::method));

        Map<String, Map<String, Integer>> observed = new LinkedHashMap<>();
        int cells = 0;
        for (Endpoint e : endpoints) {
            Map<String, Integer> row = new LinkedHashMap<>();
            for (Caller c : callers.values()) {
                row.put(c.name(), send(e, c, f, address).statusCode());
                cells++;
            }
            observed.put(e.key(), row);
        }
        write(OBSERVED, List.copyOf(callers.keySet()), observed);
        System.out.printf("access matrix: %d endpoints x %d callers = %d cells, %d run%n", endpoints.size(),
                callers.size(), endpoints.size() * callers.size(), cells);

        assertThat(Files.exists(EXPECTED)).as("the committed matrix " + EXPECTED).isTrue();
        List<String> lines = Files.readAllLines(EXPECTED).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        List<String> header = List.of(lines.getFirst().split("\t"));
        assertThat(header.subList(1, header.size())).as("callers").containsExactlyElementsOf(callers.keySet());
        Map<String, List<String>> expected = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split("\t");
            expected.put(cols[0], List.of(cols).subList(1, cols.length));
        }
        assertThat(expected.keySet()).as("endpoints of the OpenAPI document")
                .containsExactlyInAnyOrderElementsOf(observed.keySet());
        List<String> wrong = new ArrayList<>();
        observed.forEach((endpoint, row) -> {
            List<String> want = expected.get(endpoint);
            int i = 0;
            for (Map.Entry<String, Integer> cell : row.entrySet()) {
                if (!want.get(i++).equals(String.valueOf(cell.getValue()))) {
                    wrong.add(endpoint + " as " + cell.getKey() + ": " + cell.getValue() + " (expected "
                            + want.get(i - 1) + ")");
                }
            }
        });
        assertThat(wrong).as("cells answering otherwise than committed").isEmpty();
        assertThat(cells).isEqualTo(expected.size() * callers.size());
    }

    private Fixture fixture(Map<String, Caller> callers, String address) throws Exception {
        PatientWithStudy p = PatientWithStudy.create(db, 9101);
        TestDicom first = p.study();
        TestDicom second = TestDicom.ct(p.patient()).study(first.studyUid()).series(TestDicom.newUid())
                .seriesNumber(2).number(1).seed(9102);
        // the study's report (a third series), for the report pages' rows
        byte[] report = org.imageportal.dicom.ReportFiles.sr(org.imageportal.dicom.ReportFiles.SrKind.BASIC,
                p.patient(), first, TestDicom.newUid(), TestDicom.newUid(), "A finding", "A conclusion");
        Dicomweb.stow(TestRealm.ingestToken(), List.of(second.bytes(), report)).then().statusCode(200);
        String patientId = Dicomweb.queryString(db, "SELECT patient_ref::text FROM portal.study WHERE id = ?::uuid",
                p.studyId());
        PatientWithStudy other = PatientWithStudy.create(db, 9103);

        TestRealm.User download = provider("Download");
        TestRealm.User viewOnly = provider("ViewOnly");
        TestRealm.User seriesOnly = provider("Series");
        TestRealm.User noGrant = provider("NoGrant");
        TestRealm.User bystander = provider("Bystander");
        grant(p, download, true, null);
        grant(p, viewOnly, false, null);
        grant(p, seriesOnly, true, List.of(second.seriesUid()));
        String grantToRevoke = grant(p, bystander, true, null);

        TestRealm.User breakGlass = TestRealm.createUser("break-glass");
        TestRealm.User frontdesk = TestRealm.createUser("frontdesk");
        TestRealm.User officer = TestRealm.createUser("privacy-officer");
        TestRealm.User admin = TestRealm.createUser("admin");

        Issued link = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of("download", true));
        Issued otherLink = ShareLinks.issue(other.ownerToken(), other.studyId(), Map.of("download", true));
        Issued expired = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of("download", true));
        Issued revoked = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of("download", true));
        Issued linkToRevoke = ShareLinks.issue(p.ownerToken(), p.studyId(), Map.of());
        String linkSession = ShareLinks.openSession(link);
        String otherLinkSession = ShareLinks.openSession(otherLink);
        String expiredSession = ShareLinks.openSession(expired);
        String revokedSession = ShareLinks.openSession(revoked);
        update("UPDATE portal.share_link SET not_before = now() - interval '2 hours', "
                + "expires_at = now() - interval '1 hour' WHERE id = ?::uuid", expired.id());
        given().auth().oauth2(p.ownerToken()).post("/api/sharing/links/" + revoked.id() + "/revocation").then()
                .statusCode(200);

        String breakGlassToken = TestRealm.mfaToken(breakGlass);
        String breakGlassId = given().auth().oauth2(breakGlassToken).contentType(ContentType.JSON)
                .body(Map.of("studyUid", first.studyUid(), "reason", "Unconscious in the emergency department"))
                .post("/api/break-glass").then().statusCode(201).extract().path("id");
        String adminToken = TestRealm.mfaToken(admin);
        String peerId = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body(Map.of("callingAeTitle", "MATRIX" + (System.nanoTime() % 10000), "addresses",
                        List.of("192.0.2.0/24")))
                .post("/api/dimse/peers").then().statusCode(201).extract().path("id");
        String accountingId = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body("{}")
                .post("/api/accounting/requests").then().statusCode(201).extract().path("id");
        String recordsRequestId = given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON)
                .body(Map.of("kind", "CD_OR_DVD", "details", "the chest CT on a CD"))
                .post("/api/records-requests").then().statusCode(201).extract().path("id");
        // held instances to delete and release, through the API and through the desk's page
        List<String> held = List.of(held(p, first, 9104), held(p, first, 9105), held(p, first, 9106),
                held(p, first, 9107));

        callers.put("anonymous", new Caller("anonymous", null, Map.of(), null, null));
        person(callers, "patient", p.owner(), p.ownerToken());
        person(callers, "other-patient", other.owner(), other.ownerToken());
        person(callers, "physician-download-grant", download, null);
        person(callers, "physician-view-only-grant", viewOnly, null);
        person(callers, "physician-series-grant", seriesOnly, null);
        person(callers, "physician-no-grant", noGrant, null);
        person(callers, "break-glass", breakGlass, breakGlassToken);
        person(callers, "frontdesk", frontdesk, null);
        person(callers, "privacy-officer", officer, null);
        person(callers, "admin", admin, adminToken);
        callers.put("ingest-client", new Caller("ingest-client", TestRealm.ingestToken(), Map.of(), null, null));
        callers.put("password-only", new Caller("password-only", TestRealm.passwordOnlyToken(p.owner()), Map.of(),
                null, null));
        callers.put("link-session", linkCaller("link-session", linkSession, null));
        callers.put("other-link-session", linkCaller("other-link-session", otherLinkSession, null));
        callers.put("expired-link", linkCaller("expired-link", expiredSession, token(expired)));
        callers.put("revoked-link", linkCaller("revoked-link", revokedSession, token(revoked)));
        // the opening's entry in the trail (it has a DICOM audit event), sealed by now: the sign-ins took seconds
        String auditSeq = Dicomweb.queryString(db, "SELECT max(seq)::text FROM portal.audit_event "
                + "WHERE seq IS NOT NULL AND action = 'breakglass.opened' AND actor = ?", breakGlass.id());
        return new Fixture(p, first, patientId, accountingId, recordsRequestId, breakGlassId, peerId,
                held, grantToRevoke, linkToRevoke.id(), token(link), auditSeq);
    }

    private TestRealm.User provider(String label) throws Exception {
        TestRealm.User user = TestRealm.createUser("provider");
        Physicians.register(db, user, "Dr " + label + " Matrix", "Matrix Clinic");
        return user;
    }

    private String grant(PatientWithStudy p, TestRealm.User physician, boolean download, List<String> series)
            throws Exception {
        String providerId = Dicomweb.queryString(db, "SELECT id::text FROM portal.provider WHERE account_subject = ?",
                physician.id());
        Map<String, Object> body = new LinkedHashMap<>(Map.of("studyId", p.studyId(), "providerId", providerId,
                "purpose", "TREATMENT", "download", download));
        if (series != null) {
            body.put("seriesUids", series);
        }
        return given().auth().oauth2(p.ownerToken()).contentType(ContentType.JSON).body(body)
                .post("/api/sharing/grants").then().statusCode(201).extract().path("id");
    }

    /** An instance of the study with another birth date: held in quarantine. */
    private String held(PatientWithStudy p, TestDicom study, long seed) throws Exception {
        TestDicom intruder = TestDicom.ct(p.patient().withBirthDate("19991231")).study(study.studyUid())
                .series(study.seriesUid()).number((int) (seed % 100) + 10).seed(seed);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(intruder.bytes())).then().statusCode(202);
        return Dicomweb.queryString(db, "SELECT id::text FROM portal.instance WHERE sop_instance_uid = ? "
                + "AND quarantine_reason IS NOT NULL", intruder.sopInstanceUid());
    }

    /** As the schema owner: the portal's own role may not move a link's dates. */
    private static void update(String sql, String id) throws Exception {
        try (Connection c = DbOwner.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            assertThat(s.executeUpdate()).isOne();
        }
    }

    /**
     * A person signed in twice: a bearer token for the API (password and code, unless given) and a page session
     * from Chromium (the next window's code, which Keycloak accepts once the current one is spent), with the CSRF
     * token its pages carry.
     */
    private void person(Map<String, Caller> callers, String name, TestRealm.User user, String apiToken) {
        String bearer = apiToken != null ? apiToken : TestRealm.mfaToken(user);
        Page page = browser.newPage();
        page.navigate(url("/home"));
        Browser.enterPassword(page, user);
        Browser.enterCode(page, Totp.code(user.totpSecret(), Instant.now().plusSeconds(30)));
        page.waitForURL(u -> u.startsWith(url("/")));
        Map<String, String> cookies = new LinkedHashMap<>();
        for (Cookie cookie : page.context().cookies()) {
            if (url("/").contains(cookie.domain)) {
                cookies.put(cookie.name, cookie.value);
            }
        }
        // a role without pages of its own (break-glass alone) may have no form, hence no token
        Matcher csrf = CSRF_FIELD.matcher(page.content());
        String token = csrf.find() ? csrf.group(1) : null;
        page.context().close();
        callers.put(name, new Caller(name, bearer, cookies, token, null));
    }

    private static Caller linkCaller(String name, String session, String ownToken) {
        return new Caller(name, null, Map.of("portal_link", session), null, ownToken);
    }

    private static String token(Issued link) {
        return link.path().substring("/s/".length());
    }

    /** The operations of the OpenAPI document (read as the admin, where the document is not public). */
    private static List<Endpoint> endpoints(String adminToken) {
        JsonPath doc = given().auth().oauth2(adminToken).accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        List<Endpoint> out = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            // the suite's own fixtures (a form to test CSRF with) are not part of the product
            if (!(operation instanceof Map<?, ?> op) || method.equals("parameters") || path.startsWith("/test-only/")) {
                return;
            }
            out.add(new Endpoint(method.toUpperCase(), path, firstType(op.get("requestBody")),
                    firstResponseType(op.get("responses"))));
        }));
        return out;
    }

    private static String firstType(Object body) {
        if (body instanceof Map<?, ?> b && b.get("content") instanceof Map<?, ?> content && !content.isEmpty()) {
            return content.keySet().iterator().next().toString();
        }
        return null;
    }

    private static String firstResponseType(Object responses) {
        if (responses instanceof Map<?, ?> all) {
            for (Object response : all.values()) {
                String type = firstType(response);
                if (type != null) {
                    return type;
                }
            }
        }
        return null;
    }

    private Response send(Endpoint e, Caller c, Fixture f, String address) {
        RequestSpecification r = given().redirects().follow(false).header("X-Forwarded-For", address)
                .accept(accept(e));
        if (c.bearer() != null) {
            r.auth().oauth2(c.bearer());
        }
        c.cookies().forEach(r::cookie);
        if (c.csrf() != null) {
            r.header("X-CSRF-Token", c.csrf());
        }
        String type = e.consumes();
        boolean page = !e.path().startsWith("/api/") && !e.path().startsWith("/dicomweb/");
        if (type == null && page && !e.method().equals("GET")) {
            // a page's form without fields of its own still carries the token, as the browser sends it
            r.contentType(ContentType.URLENC).formParam("_csrf", c.csrf() == null ? "" : c.csrf());
        } else if (type != null) {
            if (type.startsWith("application/x-www-form-urlencoded")) {
                r.contentType(ContentType.URLENC).formParam("_csrf", c.csrf() == null ? "" : c.csrf());
            } else if (type.startsWith("multipart/form-data")) {
                r.multiPart("_csrf", c.csrf() == null ? "" : c.csrf());
            } else if (type.startsWith("multipart/related")) {
                r.contentType("multipart/related; type=\"application/dicom\"; boundary=matrix")
                        .body("--matrix--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } else if (type.contains("json")) {
                r.contentType(ContentType.JSON).body("{}");
            } else {
                r.contentType(type).body(new byte[0]);
            }
        }
        return r.request(e.method(), resolve(e, c, f));
    }

    /**
     * What a DICOMweb client asks for: instances as DICOM, pixel data as octets, rendered images and thumbnails as
     * JPEG; otherwise what the document says.
     */
    private static String accept(Endpoint e) {
        String path = e.path();
        if (path.endsWith("/rendered") || path.endsWith("/thumbnail")) {
            return "image/jpeg";
        }
        if (path.endsWith("/frames/{frames}") || path.endsWith("/bulkdata/7FE00010")) {
            return "multipart/related; type=\"application/octet-stream\"";
        }
        if (path.contains("/dicomweb/") && (path.endsWith("/studies/{study}") || path.endsWith("/series/{series}")
                || path.endsWith("/instances/{instance}")) && e.method().equals("GET")) {
            return "multipart/related; type=\"application/dicom\"";
        }
        return e.produces() == null || e.produces().equals("*/*") ? "*/*" : e.produces();
    }

    private static String resolve(Endpoint e, Caller c, Fixture f) {
        Matcher m = PARAM.matcher(e.path());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(value(e, m.group(1), c, f)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String value(Endpoint e, String param, Caller c, Fixture f) {
        String path = e.path();
        boolean dicomweb = path.startsWith("/dicomweb") || path.startsWith("/s/") || path.startsWith("/viewer");
        return switch (param) {
            case "study" -> dicomweb ? f.first().studyUid() : f.owner().studyId();
            case "series" -> f.first().seriesUid();
            case "instance" -> f.first().sopInstanceUid();
            case "frames", "frame" -> "1";
            case "number" -> "1";
            case "seq" -> f.auditSeq();
            case "report" -> "accounting";
            case "token" -> c.linkToken() != null ? c.linkToken() : f.linkToken();
            case "patient" -> f.patientId();
            case "share" -> f.grantToRevoke();
            case "id" -> id(e, f);
            default -> throw new AssertionError("no value for {" + param + "} in " + path);
        };
    }

    private static String id(Endpoint e, Fixture f) {
        String path = e.path();
        if (path.startsWith("/api/accounting/requests") || path.startsWith("/privacy/accounting")
                || path.startsWith("/patient/accounting")) {
            return f.accountingId();
        }
        if (path.startsWith("/api/break-glass") || path.startsWith("/privacy/break-glass")
                || path.startsWith("/emergency/openings")) {
            return f.breakGlassId();
        }
        if (path.startsWith("/api/dimse/peers") || path.startsWith("/admin/dimse/peers")) {
            return f.peerId();
        }
        if (path.startsWith("/api/patients") || path.startsWith("/frontdesk/patients")) {
            return f.patientId();
        }
        if (path.startsWith("/api/quarantine") || path.startsWith("/frontdesk/quarantine")) {
            boolean deletion = e.method().equals("DELETE") || path.endsWith("/delete");
            return f.held().get((path.startsWith("/api/") ? 0 : 2) + (deletion ? 0 : 1));
        }
        if (path.startsWith("/api/records-requests") || path.startsWith("/frontdesk/requests")) {
            return f.recordsRequestId();
        }
        if (path.startsWith("/api/sharing/grants") || path.startsWith("/patient/sharing/{id}")) {
            return f.grantToRevoke();
        }
        if (path.startsWith("/api/sharing/links") || path.startsWith("/patient/sharing/links")) {
            return f.linkToRevoke();
        }
        if (path.startsWith("/api/studies") || path.startsWith("/patient/studies")) {
            return f.owner().studyId();
        }
        throw new AssertionError("no value for {id} in " + path);
    }

    private static void write(Path file, List<String> callers, Map<String, Map<String, Integer>> rows)
            throws IOException {
        StringBuilder out = new StringBuilder("endpoint\t" + String.join("\t", callers) + "\n");
        new TreeMap<>(rows).forEach((endpoint, row) -> {
            out.append(endpoint);
            row.values().forEach(status -> out.append('\t').append(status));
            out.append('\n');
        });
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
    }
}
