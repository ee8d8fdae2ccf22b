package org.imageportal.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.imageportal.support.Browser;
import org.imageportal.support.DbOwner;
import org.imageportal.support.TestRealm;

import com.microsoft.playwright.Page;

/**
 * QIDO-RS latency on an index of production size. Seeds the database the environment names (PORTAL_DB_NAME, a
 * database of its own that infra/portal made and migrated) with synthetic rows straight through SQL: N studies of two
 * series of five instances each, for N / 5 patients, and one patient with 500 studies whose account is a user of the
 * test realm. Then starts the packaged portal on that database and asks each kind of search many times, as the
 * front desk (whose scope is every study) and as that patient, and prints p50, p95 and max per search; then what
 * that patient and the privacy officer read about them: the studies page (signed in through the browser) and the
 * accounting and access report over four disclosures per study, three for treatment and one accountable. Run by
 * {@code infra/portal bench-index}; the rows name no object that exists, so nothing here retrieves images.
 */
public final class IndexBenchmark {

    private static final String ROOT = "1.2.826.0.1.3680043.10.1077.";
    private static final String[] MODALITIES = {"CT", "MR", "CR", "US", "DX", "MG", "NM", "PT"};
    private static final String[] FAMILY = {"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Martin",
            "Nguyen", "Brown", "Moore", "Taylor"};
    private static final int OWN_STUDIES = 500;
    private static final Pattern STUDY_ON_PAGE = Pattern.compile("/patient/studies/[0-9a-f-]{36}/view\"");
    private static final Pattern RECIPIENT = Pattern.compile("\"recipient\"\\s*:");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Random random = new Random(7);
    private String base;

    public static void main(String[] args) throws Exception {
        int studies = 100_000;
        int rounds = 300;
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        int port = 8081;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--studies" -> studies = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--studies N, --rounds N, --jar PATH, --port N)");
            }
        }
        new IndexBenchmark().run(studies, rounds, jar, port);
    }

    /** {@code port}: the portal's, one the test realm accepts for the browser's sign-in. */
    private void run(int studies, int rounds, Path jar, int port) throws Exception {
        TestRealm.User patient = TestRealm.createUser("patient");
        long started = System.nanoTime();
        try (Connection db = DbOwner.connect()) {
            seed(db, studies, patient.id());
        }
        System.out.printf("seeded %,d studies, %,d series, %,d instances, %,d patients in %.0f s%n", studies,
                studies * 2L, studies * 10L, studies / 5 + 1, (System.nanoTime() - started) / 1e9);
        Path log = Files.createTempFile("portal-index-bench", ".log");
        try (PortalProcess portal = PortalProcess.start(jar, log, port, "http://localhost:" + port)) {
            base = portal.base();
            String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
            String own = TestRealm.mfaToken(patient);
            long ownCodeAt = System.currentTimeMillis();
            int n = studies;
            System.out.printf("%-44s %8s %8s %8s %8s%n", "QIDO-RS search (" + rounds + " each, after 30 warm-up)",
                    "p50 ms", "p95 ms", "max ms", "answers");
            measure("studies by PatientID", desk, rounds, r -> "/dicomweb/studies?PatientID=" + mrn(1 + r % (n / 5)));
            measure("studies by PatientName prefix", desk, rounds,
                    r -> "/dicomweb/studies?PatientName=" + FAMILY[r % FAMILY.length] + (1 + r % 900) + "*");
            measure("studies by StudyDate month + Modality", desk, rounds, r -> "/dicomweb/studies?StudyDate="
                    + month(r) + "&ModalitiesInStudy=" + MODALITIES[r % MODALITIES.length]);
            measure("studies by AccessionNumber", desk, rounds,
                    r -> "/dicomweb/studies?AccessionNumber=A" + (1 + random.nextInt(n)));
            measure("a study's series", desk, rounds, r -> "/dicomweb/studies/" + ROOT + (1 + random.nextInt(n))
                    + "/series");
            measure("a series' instances", desk, rounds, r -> {
                int study = 1 + random.nextInt(n);
                return "/dicomweb/studies/" + ROOT + study + "/series/" + ROOT + study + ".1/instances";
            });
            measure("the patient's own 500 studies (limit 500)", own, Math.max(1, rounds / 3),
                    r -> "/dicomweb/studies?limit=500");

            int few = Math.max(1, rounds / 10);
            System.out.printf("%-44s %8s %8s %8s %8s%n", "the patient with 500 studies (" + few + " each)",
                    "p50 ms", "p95 ms", "max ms", "rows");
            String cookies = signedInCookies(patient, ownCodeAt);
            measure("their studies page", few, r -> count(get(null, cookies, "/patient/studies", "text/html"),
                    STUDY_ON_PAGE));
            String request = accountingRequest(own);
            String officer = TestRealm.mfaToken(TestRealm.createUser("privacy-officer"));
            String accounting = "/api/accounting/requests/" + request + "/accounting?format=";
            String access = "/api/accounting/requests/" + request + "/access?format=";
            measure("accounting (json, disclosures)", few, r -> count(get(officer, null, accounting + "json",
                    "*/*"), RECIPIENT));
            measure("access report (json, disclosures)", few, r -> count(get(officer, null, access + "json", "*/*"),
                    RECIPIENT));
            for (String format : List.of("html", "pdf")) {
                measure("accounting (" + format + ", KiB)", few, r -> get(officer, null, accounting + format, "*/*")
                        .length / 1024);
            }
        }
    }

    /** The session cookies of the patient signed in to the pages, as a browser holds them. */
    private String signedInCookies(TestRealm.User patient, long codeUsedAt) throws InterruptedException {
        // a one-time code works once: the token above spent this window's
        Thread.sleep(Math.max(0, (codeUsedAt / 30_000 + 1) * 30_000 - System.currentTimeMillis() + 500));
        try (Browser browser = new Browser()) {
            Page page = browser.newPage();
            page.navigate(base + "/patient/studies");
            Browser.signIn(page, patient);
            try {
                page.waitForURL(base + "/patient/studies");
            } catch (com.microsoft.playwright.TimeoutError e) {
                throw new IllegalStateException("the patient's sign-in ended at " + page.url(), e);
            }
            return page.context().cookies().stream().filter(c -> base.contains(c.domain))
                    .map(c -> c.name + "=" + c.value).collect(Collectors.joining("; "));
        }
    }

    private String accountingRequest(String patientToken) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/accounting/requests"))
                .header("Authorization", "Bearer " + patientToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(answer.body());
        if (answer.statusCode() != 201 || !id.find()) {
            throw new IllegalStateException("the accounting request answered " + answer.statusCode() + ": "
                    + answer.body());
        }
        return id.group(1);
    }

    private byte[] get(String token, String cookies, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode());
        }
        return answer.body();
    }

    private static int count(byte[] body, Pattern pattern) {
        int n = 0;
        for (Matcher m = pattern.matcher(new String(body, StandardCharsets.UTF_8)); m.find();) {
            n++;
        }
        return n;
    }

    private static String mrn(int patient) {
        return "MRN" + String.format("%07d", patient);
    }

    private static String month(int r) {
        int year = 2015 + r % 11;
        int month = 1 + r % 12;
        return String.format("%d%02d01-%d%02d28", year, month, year, month);
    }

    /** One request of a measured kind, answering how many rows it found. */
    private interface Probe {
        int ask(int round) throws Exception;
    }

    private void measure(String name, String token, int rounds, IntFunction<String> path) throws Exception {
        measure(name, rounds, r -> ask(token, path.apply(r)));
    }

    private void measure(String name, int rounds, Probe probe) throws Exception {
        for (int r = 0; r < Math.min(30, rounds * 3); r++) {
            probe.ask(r);
        }
        double[] ms = new double[rounds];
        long answers = 0;
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            answers += probe.ask(r);
            ms[r] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("%-44s %8.1f %8.1f %8.1f %8.1f%n", name, ms[rounds / 2], ms[(int) (rounds * 0.95)],
                ms[rounds - 1], answers / (double) rounds);
    }

    /** The number of answers, counted by their SOP or study UID entries; fails on anything but 200 or 204. */
    private int ask(String token, String path) throws Exception {
        String[] parts = path.split("\\?", 2);
        String query = parts.length < 2 ? "" : "?" + encode(parts[1]);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + parts[0] + query))
                .header("Authorization", "Bearer " + token).header("Accept", "application/dicom+json").build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 204) {
            return 0;
        }
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        String body = answer.body();
        int count = 0;
        for (int i = body.indexOf("\"00081190\""); i >= 0; i = body.indexOf("\"00081190\"", i + 1)) {
            count++;
        }
        return count;
    }

    private static String encode(String query) {
        List<String> out = new ArrayList<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            out.add(kv[0] + "=" + URLEncoder.encode(kv[1], StandardCharsets.UTF_8));
        }
        return String.join("&", out);
    }

    /** The synthetic index, made in a few statements so that a million instances take about a minute. */
    static void seed(Connection db, int studies, String patientSubject) throws Exception {
        int patients = studies / 5;
        try (Statement s = db.createStatement()) {
            s.execute("SET synchronous_commit = off");
            s.execute("TRUNCATE portal.instance, portal.series, portal.study, portal.patient CASCADE");
            s.execute("INSERT INTO portal.patient (id, patient_id, issuer, name, birth_date, sex) "
                    + "SELECT md5('patient' || g)::uuid, 'MRN' || lpad(g::text, 7, '0'), 'BENCH', "
                    + "(ARRAY" + sqlArray(FAMILY) + ")[1 + g % " + FAMILY.length + "] || (g % 997) || '^' || "
                    + "(ARRAY['Ann','Bob','Cara','Dan','Eve'])[1 + g % 5], "
                    + "to_char(date '1935-01-01' + (g * 37) % 30000, 'YYYYMMDD'), (ARRAY['F','M'])[1 + g % 2] "
                    + "FROM generate_series(0, " + patients + ") g");
            s.execute("INSERT INTO portal.study (id, study_uid, patient_ref, patient_id, issuer, patient_name, "
                    + "birth_date, sex, study_date, study_time, accession_number, description, modalities, "
                    + "series_count, instance_count, size_bytes, wrapped_key, master_key_id) "
                    + "SELECT md5('study' || g)::uuid, '" + ROOT + "' || g, p.id, p.patient_id, p.issuer, p.name, "
                    + "p.birth_date, p.sex, to_char(date '2015-01-01' + (g * 7919) % 4000, 'YYYYMMDD'), '101500', "
                    + "'A' || g, 'SYNTHETIC STUDY', ARRAY[(ARRAY" + sqlArray(MODALITIES) + ")[1 + g % "
                    + MODALITIES.length + "]], 2, 10, 5242880, '\\x00'::bytea, 1 FROM generate_series(1, " + studies
                    + ") g JOIN portal.patient p ON p.id = md5('patient' || CASE WHEN g <= " + OWN_STUDIES
                    + " THEN 0 ELSE 1 + g % " + patients + " END)::uuid");
            s.execute("INSERT INTO portal.series (id, study_ref, series_uid, modality, series_number, description, "
                    + "instance_count) SELECT md5('series' || g || '.' || n)::uuid, md5('study' || g)::uuid, '"
                    + ROOT + "' || g || '.' || n, (ARRAY" + sqlArray(MODALITIES) + ")[1 + g % " + MODALITIES.length
                    + "], n, 'SERIES ' || n, 5 FROM generate_series(1, " + studies + ") g, generate_series(1, 2) n");
            s.execute("INSERT INTO portal.instance (id, study_ref, series_ref, sop_instance_uid, sop_class_uid, "
                    + "instance_number, transfer_syntax, rows, columns, bits_allocated, object_key, size_bytes, "
                    + "sha256) SELECT md5('instance' || g || '.' || n || '.' || k)::uuid, md5('study' || g)::uuid, "
                    + "md5('series' || g || '.' || n)::uuid, '" + ROOT + "' || g || '.' || n || '.' || k, "
                    + "'1.2.840.10008.5.1.4.1.1.2', k, '1.2.840.10008.1.2.1', 512, 512, 16, "
                    + "'bench-' || md5('instance' || g || '.' || n || '.' || k), 524288, '\\x00'::bytea "
                    + "FROM generate_series(1, " + studies + ") g, generate_series(1, 2) n, generate_series(1, 5) k");
            s.execute("INSERT INTO portal.disclosure (at, patient_ref, study_ref, recipient_kind, recipient_ref, "
                    + "recipient_name, action, description, purpose, basis, category, exception, recorded_by) "
                    + "SELECT now() - ((g * 4 + k) % 2000) * interval '1 day', md5('patient0')::uuid, "
                    + "md5('study' || g)::uuid, CASE WHEN k < 4 THEN 'PROVIDER' ELSE 'OTHER' END, "
                    + "CASE WHEN k < 4 THEN 'provider:' || (g % 7) ELSE 'manual' END, 'Dr Reader ' || (g % 7), "
                    + "CASE WHEN k < 4 THEN 'VIEW' ELSE 'RELEASE' END, json_build_object('modalities', "
                    + "json_build_array('CT'), 'description', 'SYNTHETIC STUDY', 'studyDate', '20200101', "
                    + "'series', 2, 'instances', 10)::jsonb, CASE WHEN k < 4 THEN 'TREATMENT' ELSE 'LEGAL' END, "
                    + "CASE WHEN k < 4 THEN 'grant:bench' ELSE 'recorded by the privacy officer' END, "
                    + "CASE WHEN k < 4 THEN 'EXCEPTED' ELSE 'ACCOUNTABLE' END, "
                    + "CASE WHEN k < 4 THEN 'TREATMENT_PAYMENT_OPERATIONS' END, "
                    + "CASE WHEN k = 4 THEN 'privacy-officer' END "
                    + "FROM generate_series(1, " + OWN_STUDIES + ") g, generate_series(1, 4) k");
            s.execute("ANALYZE portal.patient, portal.study, portal.series, portal.instance, portal.disclosure");
        }
        try (PreparedStatement link = db.prepareStatement(
                "UPDATE portal.patient SET account_subject = ? WHERE id = md5('patient0')::uuid")) {
            link.setString(1, patientSubject);
            link.executeUpdate();
        }
    }

    private static String sqlArray(String[] values) {
        return "['" + String.join("','", values) + "']";
    }
}
