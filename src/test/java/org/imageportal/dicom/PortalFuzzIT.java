package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.imageportal.support.DbOwner;
import org.imageportal.support.ProdPortal;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * No crafted DICOM takes the portal down: the packaged portal runs as in production (prod profile, 512 MB heap, exit
 * on OutOfMemoryError) and receives every fuzz case over STOW-RS, in an order from a fixed seed and a few per request,
 * so that good and hostile instances share requests. Every request is answered with a Store Instances Response that
 * accounts for every part, the studies that stored instances download as complete ZIPs and as metadata, and the
 * process is still up and ready at the end.
 */
class PortalFuzzIT {

    private static final long ORDER_SEED = 0x5EED_0F17L;
    private static final int PER_REQUEST = 5;
    /** Among the cases: files under a kilobyte declaring 8192 x 8192 pixels or 768 MB just before the pixels. */
    private static final List<String> KILLERS = List.of("explicit geometry [8192, 8192, 1, 16]",
            "implicit geometry [8192, 8192, 1, 16]", "OB of 768 MB declared before the pixel data");
    private static final TestDicom.Patient PATIENT = new TestDicom.Patient("MRNFUZZ77", "PRACTICE",
            "Fuzzpatient^Zed", "19700101");
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 409);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private ProdPortal portal;

    /** One instance sent: the case and its bytes as this run made them. */
    record Sent(DicomFuzzTest.Case source, byte[] bytes) {

        String describe() {
            return source.name() + " (" + bytes.length + " bytes" + (bytes.length <= 1024
                    ? ": " + HexFormat.of().formatHex(bytes)
                    : "") + ")";
        }
    }

    /** What the requests and downloads showed. */
    static final class Tally {

        final Map<Integer, Integer> statuses = new TreeMap<>();
        final Map<String, Integer> reasons = new TreeMap<>();
        final Map<String, Set<String>> storedByStudy = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        int requests;
        int stored;
        int quarantined;
        int zips;
        int zipEntries;
        int metadata;
    }

    @Test
    void noCraftedInstanceTakesThePortalDown(@TempDir Path dir) throws Exception {
        long started = System.nanoTime();
        assertThat(ProdPortal.JAR).exists();
        List<DicomFuzzTest.Base> bases = DicomFuzzTest.bases(dir, new ArrayList<>());
        List<DicomFuzzTest.Case> all = new ArrayList<>(DicomFuzzTest.cases(bases));
        all.add(hugeDeclaredLength());
        FreshCases fresh = new FreshCases(bases);
        List<DicomFuzzTest.Case> cases = shuffled(all, fresh);
        assertThat(cases).filteredOn(c -> KILLERS.contains(c.name())).hasSize(KILLERS.size())
                .allMatch(c -> c.bytes().length < 1024);

        System.setProperty("portal.identity.keycloak-url", env("PORTAL_KEYCLOAK_URL"));
        System.setProperty("portal.identity.realm", env("PORTAL_KEYCLOAK_REALM"));
        portal = ProdPortal.start(dir);
        Tally tally = new Tally();
        try {
            long ready = System.nanoTime();
            String ingest = TestRealm.ingestToken();
            long tokenAt = System.nanoTime();
            for (int from = 0; from < cases.size() && portal.alive(); from += PER_REQUEST) {
                if (System.nanoTime() - tokenAt > TimeUnit.MINUTES.toNanos(2)) {
                    ingest = TestRealm.ingestToken();
                    tokenAt = System.nanoTime();
                }
                int request = tally.requests++;
                List<Sent> parts = new ArrayList<>();
                for (int i = from; i < Math.min(cases.size(), from + PER_REQUEST); i++) {
                    parts.add(new Sent(cases.get(i), fresh.fresh(cases.get(i), request, i)));
                }
                String problem = store(ingest, parts, tally);
                if (problem != null) {
                    tally.problems.add("request " + request + ": " + problem + "; its parts: "
                            + parts.stream().map(Sent::describe).toList()
                            + (portal.alive() ? "; sent alone: " + alone(ingest, parts) : ""));
                }
            }
            if (portal.alive()) {
                String frontDesk = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
                for (Map.Entry<String, Set<String>> study : tally.storedByStudy.entrySet()) {
                    download(frontDesk, study.getKey(), study.getValue().size(), tally);
                }
            }
            boolean alive = portal.alive();
            int readiness = portal.readiness();
            System.out.printf("PortalFuzzIT: %d cases (of %d generated; %d left out: their mutation changed the "
                    + "study UID), %d requests, answers by status %s, failures by reason %s, %d stored (%d more held "
                    + "in quarantine), %d ZIPs downloaded (%d DICOM files), %d metadata answers, portal peak RSS %d "
                    + "MB, peak heap used %d MB (GC log), %d ERROR lines logged, still alive %s, ready %d; startup "
                    + "%.1f s, fuzzing and downloads %.1f s, total %.1f s%n", cases.size(), all.size(),
                    all.size() - cases.size(), tally.requests, tally.statuses, tally.reasons, tally.stored,
                    tally.quarantined, tally.zips, tally.zipEntries, tally.metadata, portal.peakRssKb() / 1024,
                    portal.peakHeapMb(), portal.errorLines(), alive, readiness, (ready - started) / 1e9,
                    (System.nanoTime() - ready) / 1e9, (System.nanoTime() - started) / 1e9);
            assertThat(alive).as("the portal is still running; its output ends:\n" + portal.tail()).isTrue();
            assertThat(readiness).as("readiness at the end").isEqualTo(200);
            assertThat(tally.problems).as("requests or downloads that went wrong; the portal's output ends:\n"
                    + portal.tail()).isEmpty();
            assertThat(tally.stored).as("the unmutated files and harmless mutations are stored")
                    .isGreaterThan(bases.size());
            assertThat(tally.zips).isPositive();
        } finally {
            portal.close();
        }
    }

    // ---- the cases

    /**
     * Every case whose study UID the run can make its own, in an order from the seed, so that every request mixes
     * unmutated files, harmless mutations and hostile ones.
     */
    private static List<DicomFuzzTest.Case> shuffled(List<DicomFuzzTest.Case> all, FreshCases fresh) {
        List<DicomFuzzTest.Case> cases = new ArrayList<>(all.stream().filter(fresh::studyUidIntact).toList());
        Collections.shuffle(cases, new Random(ORDER_SEED));
        return cases;
    }

    /** A small CT with an OB element declaring 768 MiB just before its pixel data: under a kilobyte in all. */
    private static DicomFuzzTest.Case hugeDeclaredLength() {
        String root = FreshCases.ROOTS.getFirst();
        byte[] valid = TestDicom.ct(PATIENT).study(root + "1").series(root + "2").sopInstance(root + "6")
                .accession("A1").size(4).bytes();
        int pixelData = valid.length - 32 - 12;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(valid, 0, pixelData);
        out.writeBytes(new byte[]{0x42, 0x00, 0x11, 0x00, 'O', 'B', 0, 0, 0, 0, 0, 0x30});
        out.write(valid, pixelData, valid.length - pixelData);
        return new DicomFuzzTest.Case(KILLERS.get(2), out.toByteArray());
    }

    // ---- STOW-RS

    /** Sends the parts in one request; null when the answer is right, else what was wrong with it. */
    private String store(String token, List<Sent> parts, Tally tally) {
        HttpResponse<byte[]> response;
        try {
            response = post(token, parts);
        } catch (IOException e) {
            return "no answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        tally.statuses.merge(response.statusCode(), 1, Integer::sum);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (!ANSWERS.contains(response.statusCode())) {
            return "HTTP " + response.statusCode() + " " + body;
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/dicom+json")) {
            return "HTTP " + response.statusCode() + " as " + response.headers().firstValue("Content-Type");
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            return "HTTP " + response.statusCode() + " with a body that is not JSON: " + body;
        }
        List<JsonNode> referenced = items(answer, "00081199");
        List<JsonNode> failed = items(answer, "00081198");
        if (referenced.size() + failed.size() != parts.size()) {
            return parts.size() + " parts but " + referenced.size() + " referenced and " + failed.size()
                    + " failed: " + body;
        }
        if (response.statusCode() == 409 != referenced.isEmpty()) {
            return "HTTP " + response.statusCode() + " with " + referenced.size() + " referenced: " + body;
        }
        for (JsonNode item : failed) {
            JsonNode reason = item.path("00081197").path("Value").path(0);
            if (!reason.canConvertToInt()) {
                return "a failed instance without a Failure Reason: " + body;
            }
            tally.reasons.merge("%04X".formatted(reason.asInt()), 1, Integer::sum);
        }
        for (JsonNode item : referenced) {
            JsonNode url = item.path("00081190").path("Value").path(0);
            if (url.isTextual()) {
                Matcher m = Pattern.compile("/studies/([0-9.]+)/series/[0-9.]+/instances/([0-9.]+)$")
                        .matcher(url.asText());
                if (!m.find()) {
                    return "a Retrieve URL that names no instance: " + body;
                }
                tally.storedByStudy.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>()).add(m.group(2));
                tally.stored++;
            } else {
                tally.quarantined++;
            }
        }
        return null;
    }

    private HttpResponse<byte[]> post(String token, List<Sent> parts) throws IOException, InterruptedException {
        String boundary = "fuzz-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Sent part : parts) {
            body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(part.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest request = HttpRequest.newBuilder(URI.create(portal.base() + "/dicomweb/studies"))
                .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The parts of a request that went wrong, each sent again on its own: which of them does it. */
    private List<String> alone(String token, List<Sent> parts) {
        List<String> outcomes = new ArrayList<>();
        for (Sent part : parts) {
            String problem = store(token, List.of(part), new Tally());
            outcomes.add(part.source().name() + ": " + (problem == null ? "answered right" : problem));
        }
        return outcomes;
    }

    private static List<JsonNode> items(JsonNode answer, String tag) {
        List<JsonNode> items = new ArrayList<>();
        answer.path(tag).path("Value").forEach(items::add);
        return items;
    }

    // ---- what the front desk downloads

    private void download(String token, String studyUid, int instances, Tally tally) throws Exception {
        String id = studyId(studyUid);
        if (id == null) {
            tally.problems.add("study " + studyUid + " stored instances but is not in the index");
            return;
        }
        HttpResponse<byte[]> zip;
        try {
            zip = http.send(get("/api/studies/" + id + "/archive", token, "application/zip"),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            tally.problems.add("the archive of study " + studyUid + " broke off (" + e + ")");
            return;
        }
        if (zip.statusCode() != 200) {
            tally.problems.add("the archive of study " + studyUid + " answered " + zip.statusCode() + ": "
                    + new String(zip.body(), StandardCharsets.UTF_8));
            return;
        }
        int dicom = 0;
        int entries = 0;
        boolean dicomdir = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries++;
                dicom += entry.getName().startsWith("DICOM/") ? 1 : 0;
                dicomdir |= entry.getName().equals("DICOMDIR");
                in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            tally.problems.add("the archive of study " + studyUid + " is broken after " + entries + " entries: " + e);
            return;
        }
        if (endOfCentralDirectoryEntries(zip.body()) != entries) {
            tally.problems.add("the archive of study " + studyUid + " ends without its central directory after "
                    + entries + " entries (" + zip.body().length + " bytes)");
            return;
        }
        if (dicom != instances || !dicomdir) {
            tally.problems.add("the archive of study " + studyUid + " holds " + dicom + " DICOM files (DICOMDIR "
                    + dicomdir + ") for " + instances + " stored instances");
            return;
        }
        tally.zips++;
        tally.zipEntries += dicom;
        HttpResponse<byte[]> metadata;
        try {
            metadata = http.send(get("/dicomweb/studies/" + studyUid + "/metadata", token, "application/dicom+json"),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            tally.problems.add("the metadata of study " + studyUid + " got no answer (" + e + ")");
            return;
        }
        if (metadata.statusCode() != 200) {
            tally.problems.add("the metadata of study " + studyUid + " answered " + metadata.statusCode() + ": "
                    + new String(metadata.body(), StandardCharsets.UTF_8));
            return;
        }
        JsonNode answer;
        try {
            answer = json.readTree(metadata.body());
        } catch (IOException e) {
            tally.problems.add("the metadata of study " + studyUid + " is not JSON: " + e);
            return;
        }
        if (!answer.isArray() || answer.size() != instances) {
            tally.problems.add("the metadata of study " + studyUid + " describes " + answer.size() + " instances for "
                    + instances + " stored");
            return;
        }
        tally.metadata++;
    }

    /** The entry count of a ZIP's end-of-central-directory record (the archive has no comment), or -1. */
    private static int endOfCentralDirectoryEntries(byte[] zip) {
        int at = zip.length - 22;
        if (at < 0 || zip[at] != 'P' || zip[at + 1] != 'K' || zip[at + 2] != 5 || zip[at + 3] != 6) {
            return -1;
        }
        return (zip[at + 10] & 0xFF) | (zip[at + 11] & 0xFF) << 8;
    }

    private HttpRequest get(String path, String token, String accept) {
        return HttpRequest.newBuilder(URI.create(portal.base() + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).header("Accept", accept).GET().build();
    }

    private static String studyId(String studyUid) throws Exception {
        try (Connection c = DbOwner.connect();
                PreparedStatement s = c.prepareStatement("SELECT id::text FROM portal.study WHERE study_uid = ?")) {
            s.setString(1, studyUid);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests through infra/portal test");
        }
        return value;
    }
}
