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

import org.imageportal.support.DbOwner;
import org.imageportal.support.TestRealm;

/**
 * QIDO-RS latency on an index of production size. Seeds the database the environment names (PORTAL_DB_NAME, a
 * database of its own that infra/portal made and migrated) with synthetic rows straight through SQL: N studies of two
 * series of five instances each, for N / 5 patients, and one patient with 500 studies whose account is a user of the
 * test realm. Then starts the packaged portal on that database and asks each kind of search many times, as the
 * front desk (whose scope is every study) and as that patient, and prints p50, p95 and max per search. Run by
 * {@code infra/portal bench-index}; the rows name no object that exists, so nothing here retrieves images.
 */
public final class IndexBenchmark {

    private static final String ROOT = "1.2.826.0.1.3680043.10.1077.";
    private static final String[] MODALITIES = {"CT", "MR", "CR", "US", "DX", "MG", "NM", "PT"};
    private static final String[] FAMILY = {"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Martin",
            "Nguyen", "Brown", "Moore", "Taylor"};
    private static final int OWN_STUDIES = 500;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Random random = new Random(7);
    private String base;

    public static void main(String[] args) throws Exception {
        int studies = 100_000;
        int rounds = 300;
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--studies" -> studies = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--studies N, --rounds N, --jar PATH)");
            }
        }
        new IndexBenchmark().run(studies, rounds, jar);
    }

    private void run(int studies, int rounds, Path jar) throws Exception {
        TestRealm.User patient = TestRealm.createUser("patient");
        long started = System.nanoTime();
        try (Connection db = DbOwner.connect()) {
            seed(db, studies, patient.id());
        }
        System.out.printf("seeded %,d studies, %,d series, %,d instances, %,d patients in %.0f s%n", studies,
                studies * 2L, studies * 10L, studies / 5 + 1, (System.nanoTime() - started) / 1e9);
        Path log = Files.createTempFile("portal-index-bench", ".log");
        try (PortalProcess portal = PortalProcess.start(jar, log)) {
            base = portal.base();
            String desk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
            String own = TestRealm.mfaToken(patient);
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
        }
    }

    private static String mrn(int patient) {
        return "MRN" + String.format("%07d", patient);
    }

    private static String month(int r) {
        int year = 2015 + r % 11;
        int month = 1 + r % 12;
        return String.format("%d%02d01-%d%02d28", year, month, year, month);
    }

    private void measure(String name, String token, int rounds, IntFunction<String> path) throws Exception {
        for (int r = 0; r < 30; r++) {
            ask(token, path.apply(r));
        }
        double[] ms = new double[rounds];
        long answers = 0;
        for (int r = 0; r < rounds; r++) {
            String p = path.apply(r);
            long t = System.nanoTime();
            answers += ask(token, p);
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
            s.execute("ANALYZE portal.patient, portal.study, portal.series, portal.instance");
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
