package org.imageportal.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.imageportal.support.TestRealm;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;

/**
 * Ingest and retrieval throughput of the packaged portal against raw S3 on the same store, with the portal's
 * memory. Starts the portal jar as its own process (test profile: test database, realm and bucket), stores a
 * synthetic study over STOW-RS and a twin of it (same sizes and pixels, other UIDs) by C-STORE over TLS, PUTs the
 * same bytes straight to the bucket, stores them in a throw-away Orthanc by its own STOW-RS, retrieves the study whole
 * over WADO-RS (checking every instance's SHA-256) against a raw GET, and prints the figures with the CPU time each
 * process spent per image. Run by {@code infra/portal bench}; a small run is part of the test suite (BenchmarkIT) so
 * the benchmark cannot rot. (One class past the usual size: the phases share the study, the tokens and the CPU meter,
 * and read in the order they run.)
 */
public final class StudyBenchmark {

    /** What to run. */
    public record Options(int instances, int size, int parallel, int warmUp, int rounds, Path jar) {

        static Options parse(String[] args) {
            int instances = 1000;
            int size = 512;
            int parallel = 4;
            int warmUp = 1000;
            int rounds = 10;
            Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--instances" -> instances = Integer.parseInt(args[++i]);
                    case "--size" -> size = Integer.parseInt(args[++i]);
                    case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                    case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
                    case "--jar" -> jar = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--instances N, --size PIXELS, --parallel N, --warm-up N, --rounds N, --jar PATH)");
                }
            }
            return new Options(instances, size, parallel, warmUp, rounds, jar);
        }
    }

    /**
     * CPU seconds (user + system) that each process spent in one phase: where a 2-core machine's time went. The
     * client includes the programs it ran (storescu); Orthanc is zero but in its own phase.
     */
    public record Cpu(double portal, double store, double client, double orthanc) {

        @Override
        public String toString() {
            return String.format("CPU s: portal %.1f, S3 store %.1f, client %.1f", portal, store, client)
                    + (orthanc > 0 ? String.format(", Orthanc %.1f", orthanc) : "");
        }

        /** Milliseconds of CPU per image of {@code seconds} spent on {@code instances}. */
        static double perImage(double seconds, int instances) {
            return 1000 * seconds / instances;
        }
    }

    /** One way of storing the study: how long it took and what each process spent. */
    public record Ingest(double seconds, Cpu cpu) {

        /** An ingest path that was not measured (no Orthanc on this machine). */
        static final Ingest NONE = new Ingest(Double.NaN, new Cpu(0, 0, 0, 0));

        boolean measured() {
            return !Double.isNaN(seconds);
        }
    }

    /** The figures of one run. */
    public record Result(int instances, long bytes, double stowSeconds, double wadoSeconds, double s3PutSeconds,
            double s3GetSeconds, long baselineRssKb, long peakRssKb, boolean identical, Cpu stowCpu, Cpu wadoCpu,
            Cpu putCpu, Cpu getCpu, ArchiveDownload.Result zip, List<String> rounds, Ingest cstore, Ingest orthanc) {

        double mb() {
            return bytes / 1e6;
        }

        public double stowMBps() {
            return mb() / stowSeconds;
        }

        public double stowInstancesPerSecond() {
            return instances / stowSeconds;
        }

        public double wadoMBps() {
            return mb() / wadoSeconds;
        }

        public double s3PutMBps() {
            return mb() / s3PutSeconds;
        }

        public double s3GetMBps() {
            return mb() / s3GetSeconds;
        }

        public long rssGrowthMb() {
            return (peakRssKb - baselineRssKb) / 1024;
        }

        /** The portal's CPU milliseconds per image stored over STOW-RS. */
        public double stowPortalMsPerImage() {
            return Cpu.perImage(stowCpu.portal(), instances);
        }

        /** The portal's CPU milliseconds per image stored by C-STORE. */
        public double cstorePortalMsPerImage() {
            return Cpu.perImage(cstore.cpu().portal(), instances);
        }

        public double cstoreMBps() {
            return mb() / cstore.seconds();
        }

        public double orthancMBps() {
            return mb() / orthanc.seconds();
        }

        private String ingestLine(String name, double seconds, Cpu cpu, String server, double serverSeconds) {
            return String.format("%-27s %7.1f MB/s %7.1f instances/s %6.1f ms CPU/image %-8s (%.2f s; %s)", name,
                    mb() / seconds, instances / seconds, Cpu.perImage(serverSeconds, instances), server, seconds, cpu);
        }

        public String report(Options o) {
            String side = String.join("\n", ingestLine("STOW-RS to the portal", stowSeconds, stowCpu, "portal",
                    stowCpu.portal()),
                    ingestLine("C-STORE (TLS) to the portal", cstore.seconds(), cstore.cpu(), "portal",
                            cstore.cpu().portal()),
                    ingestLine("raw S3 PUT", s3PutSeconds, putCpu, "S3 store", putCpu.store()),
                    orthanc.measured()
                            ? ingestLine("Orthanc's own STOW-RS", orthanc.seconds(), orthanc.cpu(), "Orthanc",
                                    orthanc.cpu().orthanc())
                            : "Orthanc's own STOW-RS       not measured (no Orthanc with its DICOMweb plugin here)");
            return String.format("""
                    study: %d CT instances of %dx%dx16 bit, %.1f MB; %d parallel senders (STOW requests, associations, S3 PUTs); warm-up: %d instances
                    ingest of the same bytes, side by side (CPU per image: the receiving server's; the twin study by C-STORE has other UIDs):
                    %s
                    STOW-RS / raw PUT   %8.0f %%   (goal >= 95 %%); portal CPU %.1f ms per STOW-RS image (goal <= 4 ms)
                    C-STORE / raw PUT   %8.0f %%
                    %s
                    WADO-RS retrieval   %8.1f MB/s                     (%.2f s, last round; %s)
                    raw S3 GET          %8.1f MB/s                     (%.2f s, last round, one stream like WADO-RS; %s)
                    retrieval / raw GET %8.0f %%   (target >= 80 %%)
                    every instance retrieved byte-identical (SHA-256, separate pass): %s
                    portal RSS          %8d MB before, %d MB peak, growth %d MB (target < 150 MB for 2 GB)
                    ZIP download        %8.1f MB/s of DICOM content, first byte after %.3f s (%.2f s; %d MB ZIP, %d DICOM files, DICOMDIR %s)
                    """, instances, o.size(), o.size(), mb(), o.parallel(), o.warmUp(), side,
                    100 * stowMBps() / s3PutMBps(), stowPortalMsPerImage(), 100 * cstoreMBps() / s3PutMBps(),
                    String.join("\n", rounds), wadoMBps(), wadoSeconds, wadoCpu, s3GetMBps(), s3GetSeconds, getCpu,
                    100 * wadoMBps() / s3GetMBps(), identical ? "yes" : "NO", baselineRssKb / 1024, peakRssKb / 1024,
                    rssGrowthMb(), zip.mbps(bytes), zip.firstByteSeconds(), zip.seconds(), zip.zipBytes() / 1_000_000,
                    zip.dicomEntries(), zip.dicomdir() ? "yes" : "NO");
        }
    }

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final okhttp3.OkHttpClient reader = new okhttp3.OkHttpClient.Builder()
            .readTimeout(Duration.ofSeconds(60)).build();
    private String base;

    private StudyBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Result result = run(options);
        System.out.print(result.report(options));
        System.exit(result.identical() ? 0 : 1);
    }

    public static Result run(Options options) throws Exception {
        System.setProperty("portal.identity.keycloak-url", env("PORTAL_KEYCLOAK_URL"));
        System.setProperty("portal.identity.realm", env("PORTAL_KEYCLOAK_REALM"));
        return new StudyBenchmark(options).measure();
    }

    private Result measure() throws Exception {
        Path log = Files.createTempFile("portal-bench", ".log");
        Path files = Files.createTempDirectory("bench-cstore");
        PortalProcess started = PortalProcess.start(options.jar(), log);
        base = started.base();
        Process portal = started.process();
        try (DimseSender dimse = DimseSender.register(http, base, TestRealm.mfaToken(TestRealm.createUser("admin")),
                Path.of(env("PORTAL_STATE_DIR"), "dimse"), started.dimsePort())) {
            String ingest = TestRealm.ingestToken();
            String staff = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
            warmUp(ingest, staff, dimse, files);
            long pid = portal.pid();
            resetPeakRss(pid);
            long baseline = rssKb(pid, "VmRSS");

            SyntheticStudy study = new SyntheticStudy(options.instances(), options.size());
            // the same images under other UIDs: the portal would take the same ones as resends
            SyntheticStudy twin = new SyntheticStudy(options.instances(), options.size());
            List<Path> twinFiles = DimseSender.write(twin, Files.createDirectory(files.resolve("measured")));
            List<String> expected = Collections.synchronizedList(new ArrayList<>());
            long[] bytes = new long[1];
            CpuMeter cpu = new CpuMeter(pid);
            var threads = cpu.portalThreads();
            double stow = timed(() -> stow(portalStow(study), "Bearer " + ingest, study, expected, bytes));
            Cpu stowCpu = cpu.lap();
            threads = printThreads("STOW", threads, cpu.portalThreads());
            double cstoreSeconds = timed(() -> dimse.send(twinFiles, options.parallel()));
            Ingest cstore = new Ingest(cstoreSeconds, cpu.lap());
            threads = printThreads("C-STORE", threads, cpu.portalThreads());
            long cstored = dimse.storedInstances(staff, twin.studyUid());
            if (cstored != twin.instances()) {
                throw new IllegalStateException("C-STORE stored " + cstored + " of " + twin.instances() + " instances");
            }

            MinioClient s3 = MinioClient.builder().endpoint(env("PORTAL_STORAGE_ENDPOINT"))
                    .credentials(env("PORTAL_S3_ACCESS_KEY"), env("PORTAL_S3_SECRET_KEY")).build();
            String bucket = env("PORTAL_STORAGE_BUCKET");
            String prefix = "bench/" + UUID.randomUUID() + "/";
            try {
                cpu.lap();
                double put = timed(() -> s3Put(s3, bucket, prefix, study));
                Cpu putCpu = cpu.lap();
                Ingest orthanc = orthanc(study, cpu);
                // retrieval in rounds, WADO-RS and the raw GET in turn, timed alike (the client only reads the bytes
                // through); the last round is the result: the first ones also compile the portal's, the store's and
                // this client's paths, and a server runs for days. Every round is printed.
                List<String> rounds = new ArrayList<>();
                double wado = 0;
                double get = 0;
                Cpu wadoCpu = null;
                Cpu getCpu = null;
                cpu.lap();
                for (int round = 1; round <= options.rounds(); round++) {
                    wado = timed(() -> readThrough(study, staff));
                    wadoCpu = cpu.lap();
                    threads = printThreads("WADO round " + round, threads, cpu.portalThreads());
                    get = timed(() -> s3Get(s3, bucket, prefix, study.instances()));
                    getCpu = cpu.lap();
                    rounds.add(String.format("round %d: WADO-RS %.1f MB/s (%s), raw GET %.1f MB/s (%s): %.0f %%", round,
                            bytes[0] / 1e6 / wado, wadoCpu, bytes[0] / 1e6 / get, getCpu, 100 * get / wado));
                }
                // then every instance is checked in a second, untimed pass
                MultipartDigests.Result retrieved = retrieve(study, staff);
                // the patient's download of the same study as a ZIP with a DICOMDIR
                ArchiveDownload.Result zip = ArchiveDownload.measure(http, base, staff, study.studyUid());
                long peak = rssKb(pid, "VmHWM");
                List<String> got = new ArrayList<>(retrieved.digests());
                List<String> want = new ArrayList<>(expected);
                Collections.sort(got);
                Collections.sort(want);
                boolean identical = got.equals(want) && retrieved.contentBytes() == bytes[0];
                return new Result(study.instances(), bytes[0], stow, wado, put, get, baseline, peak, identical,
                        stowCpu, wadoCpu, putCpu, getCpu, zip, rounds, cstore, orthanc);
            } finally {
                for (int i = 0; i < study.instances(); i++) {
                    s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(prefix + i).build());
                }
            }
        } finally {
            portal.destroy();
            portal.waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
            try (var all = Files.walk(files)) {
                for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /**
     * The same study by Orthanc's own STOW-RS, in an Orthanc started for it (after a short warm-up of its own) and
     * stopped before anything else is measured; not measured where Orthanc is not installed.
     */
    private Ingest orthanc(SyntheticStudy study, CpuMeter cpu) throws Exception {
        if (!OrthancPeer.installed()) {
            return Ingest.NONE;
        }
        try (OrthancPeer orthanc = OrthancPeer.start(http)) {
            SyntheticStudy small = new SyntheticStudy(Math.max(1, Math.min(100, options.warmUp())), options.size());
            stow(orthanc.stowUrl(small.studyUid()), null, small, Collections.synchronizedList(new ArrayList<>()),
                    new long[1]);
            cpu.watch(orthanc.pid());
            cpu.lap();
            double seconds = timed(() -> stow(orthanc.stowUrl(study.studyUid()), null, study,
                    Collections.synchronizedList(new ArrayList<>()), new long[1]));
            Cpu spent = cpu.lap();
            cpu.watch(-1);
            long stored = orthanc.instances();
            if (stored != small.instances() + study.instances()) {
                throw new IllegalStateException("Orthanc holds " + stored + " instances, not "
                        + (small.instances() + study.instances()));
            }
            return new Ingest(seconds, spent);
        }
    }

    // ---------------------------------------------------------------- the portal process

    private static void resetPeakRss(long pid) throws IOException {
        // writing 5 to clear_refs resets the peak resident set size (VmHWM) of the process
        Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
    }

    private static long rssKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    private void warmUp(String ingest, String staff, DimseSender dimse, Path files) throws Exception {
        // a server runs for days: measure it after its JIT has compiled the paths, not while it does
        SyntheticStudy small = new SyntheticStudy(Math.max(1, options.warmUp()), options.size());
        stow(portalStow(small), "Bearer " + ingest, small, Collections.synchronizedList(new ArrayList<>()),
                new long[1]);
        retrieve(small, staff);
        // the DIMSE path shares the ingest behind it: half as many instances compile what is its own
        SyntheticStudy sent = new SyntheticStudy(Math.max(1, options.warmUp() / 2), options.size());
        dimse.send(DimseSender.write(sent, Files.createDirectory(files.resolve("warm-up"))), options.parallel());
    }

    // ---------------------------------------------------------------- DICOMweb

    private String portalStow(SyntheticStudy study) {
        return base + "/dicomweb/studies/" + study.studyUid();
    }

    /** The study over STOW-RS to {@code url}, in as many requests as senders, each streaming its instances. */
    private void stow(String url, String authorization, SyntheticStudy study, List<String> digests, long[] bytes)
            throws Exception {
        int parallel = Math.min(options.parallel(), study.instances());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Long>> requests = new ArrayList<>();
            int per = (study.instances() + parallel - 1) / parallel;
            for (int from = 0; from < study.instances(); from += per) {
                int start = from;
                int end = Math.min(study.instances(), from + per);
                requests.add(pool.submit(() -> stowRange(url, authorization, study, start, end, digests)));
            }
            long total = 0;
            for (Future<Long> request : requests) {
                total += request.get();
            }
            bytes[0] = total;
        } finally {
            pool.shutdown();
        }
    }

    private long stowRange(String url, String authorization, SyntheticStudy study, int from, int to,
            List<String> digests) throws Exception {
        String boundary = "bench-" + UUID.randomUUID();
        long[] total = new long[1];
        Enumeration<InputStream> parts = new Enumeration<>() {

            int next = from;
            boolean closed;

            @Override
            public boolean hasMoreElements() {
                return next < to || !closed;
            }

            @Override
            public InputStream nextElement() {
                if (next < to) {
                    byte[] instance = study.instance(next++);
                    total[0] += instance.length;
                    digests.add(sha256(instance));
                    return new SequenceInputStream(new ByteArrayInputStream(
                            ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII)),
                            new SequenceInputStream(new ByteArrayInputStream(instance),
                                    new ByteArrayInputStream("\r\n".getBytes(StandardCharsets.US_ASCII))));
                }
                if (!closed) {
                    closed = true;
                    return new ByteArrayInputStream(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                throw new NoSuchElementException();
            }
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(parts)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("STOW-RS answered " + response.statusCode() + ": " + response.body());
        }
        return total[0];
    }

    interface BodyReader<T> {
        T read(InputStream body, String contentType) throws IOException;
    }

    /** The whole study over WADO-RS, its body handed to {@code reader} as it streams. */
    private <T> T wado(SyntheticStudy study, String token, BodyReader<T> reader) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies/" + study.studyUid()))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "multipart/related; type=\"application/dicom\"").GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("WADO-RS answered " + response.statusCode() + ": "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return reader.read(body, response.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    /**
     * The timed WADO-RS read, through OkHttp: the HTTP library the raw S3 GET goes through (in the MinIO client), so
     * the two are read alike. (Read with the JDK's HttpClient, the client itself took 0.5-1.1 CPU-s per 525 MB, against
     * 0.2-0.4 with OkHttp, on a 2-core machine whose cores the portal and the store share.)
     */
    private void readThrough(SyntheticStudy study, String token) throws Exception {
        okhttp3.Request request = new okhttp3.Request.Builder().url(base + "/dicomweb/studies/" + study.studyUid())
                .header("Authorization", "Bearer " + token)
                .header("Accept", "multipart/related; type=\"application/dicom\"").get().build();
        try (okhttp3.Response response = reader.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException("WADO-RS answered " + response.code());
            }
            byte[] buffer = new byte[256 * 1024];
            try (InputStream body = response.body().byteStream()) {
                while (body.read(buffer) > 0) {
                    // read through, as the raw S3 GET does
                }
            }
        }
    }


    private MultipartDigests.Result retrieve(SyntheticStudy study, String token) throws Exception {
        return wado(study, token, MultipartDigests::read);
    }

    // ---------------------------------------------------------------- raw S3

    private void s3Put(MinioClient s3, String bucket, String prefix, SyntheticStudy study) throws Exception {
        int parallel = Math.min(options.parallel(), study.instances());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                int first = t;
                puts.add(pool.submit(() -> {
                    for (int i = first; i < study.instances(); i += parallel) {
                        byte[] instance = study.instance(i);
                        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(prefix + i)
                                .stream(new ByteArrayInputStream(instance), instance.length, -1).build());
                    }
                    return null;
                }));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void s3Get(MinioClient s3, String bucket, String prefix, int instances) throws Exception {
        byte[] buffer = new byte[256 * 1024];
        for (int i = 0; i < instances; i++) {
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(prefix + i).build())) {
                while (in.read(buffer) > 0) {
                    // read through, as a client would
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** With PORTAL_BENCH_THREADS set: the portal's CPU seconds per thread group in a phase. */
    private static java.util.Map<String, Long> printThreads(String phase, java.util.Map<String, Long> before,
            java.util.Map<String, Long> after) {
        if (System.getenv("PORTAL_BENCH_THREADS") != null) {
            StringBuilder line = new StringBuilder(phase + " portal threads (CPU s):");
            after.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() >= 10).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> line.append(String.format(" %s %.1f;", e.getKey(), e.getValue() / 100.0)));
            System.out.println(line);
        }
        return after;
    }

    interface Step {
        void run() throws Exception;
    }

    private static double timed(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run through infra/portal bench or infra/portal test");
        }
        return value;
    }
}
