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
 * synthetic study over STOW-RS, retrieves it whole over WADO-RS (checking every instance's SHA-256), then PUTs and
 * GETs the same bytes straight to the bucket, and prints the figures. Run by {@code infra/portal bench}; a small
 * run is part of the test suite (BenchmarkIT) so the benchmark cannot rot.
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

    /** CPU seconds (user + system) that each process spent in one phase: where a 2-core machine's time went. */
    public record Cpu(double portal, double store, double client) {

        @Override
        public String toString() {
            return String.format("CPU s: portal %.1f, S3 store %.1f, client %.1f", portal, store, client);
        }
    }

    /** The figures of one run. */
    public record Result(int instances, long bytes, double stowSeconds, double wadoSeconds, double s3PutSeconds,
            double s3GetSeconds, long baselineRssKb, long peakRssKb, boolean identical, Cpu stowCpu, Cpu wadoCpu,
            Cpu putCpu, Cpu getCpu, ArchiveDownload.Result zip, List<String> rounds) {

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

        public String report(Options o) {
            return String.format("""
                    study: %d CT instances of %dx%dx16 bit, %.1f MB; %d parallel STOW requests / S3 PUTs; warm-up: %d instances
                    STOW-RS ingest      %8.1f MB/s  %7.1f instances/s  (%.2f s; %s)
                    %s
                    WADO-RS retrieval   %8.1f MB/s                     (%.2f s, last round; %s)
                    raw S3 PUT          %8.1f MB/s                     (%.2f s; %s)
                    raw S3 GET          %8.1f MB/s                     (%.2f s, last round, one stream like WADO-RS; %s)
                    ingest / raw PUT    %8.0f %%   (target >= 70 %%)
                    retrieval / raw GET %8.0f %%   (target >= 80 %%)
                    every instance retrieved byte-identical (SHA-256, separate pass): %s
                    portal RSS          %8d MB before, %d MB peak, growth %d MB (target < 150 MB for 2 GB)
                    ZIP download        %8.1f MB/s of DICOM content, first byte after %.3f s (%.2f s; %d MB ZIP, %d DICOM files, DICOMDIR %s)
                    """, instances, o.size(), o.size(), mb(), o.parallel(), o.warmUp(), stowMBps(), stowInstancesPerSecond(),
                    stowSeconds, stowCpu, String.join("\n", rounds), wadoMBps(), wadoSeconds, wadoCpu, s3PutMBps(), s3PutSeconds, putCpu,
                    s3GetMBps(), s3GetSeconds, getCpu, 100 * stowMBps() / s3PutMBps(), 100 * wadoMBps() / s3GetMBps(),
                    identical ? "yes" : "NO", baselineRssKb / 1024, peakRssKb / 1024, rssGrowthMb(), zip.mbps(bytes),
                    zip.firstByteSeconds(), zip.seconds(), zip.zipBytes() / 1_000_000, zip.dicomEntries(),
                    zip.dicomdir() ? "yes" : "NO");
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
        Process portal = startPortal(log);
        try {
            String ingest = TestRealm.ingestToken();
            String staff = TestRealm.mfaToken(TestRealm.createUser("frontdesk"));
            warmUp(ingest, staff);
            long pid = portal.pid();
            resetPeakRss(pid);
            long baseline = rssKb(pid, "VmRSS");

            SyntheticStudy study = new SyntheticStudy(options.instances(), options.size());
            List<String> expected = Collections.synchronizedList(new ArrayList<>());
            long[] bytes = new long[1];
            CpuMeter cpu = new CpuMeter(pid);
            var threads = cpu.portalThreads();
            double stow = timed(() -> stow(study, ingest, expected, bytes));
            Cpu stowCpu = cpu.lap();
            threads = printThreads("STOW", threads, cpu.portalThreads());

            MinioClient s3 = MinioClient.builder().endpoint(env("PORTAL_STORAGE_ENDPOINT"))
                    .credentials(env("PORTAL_S3_ACCESS_KEY"), env("PORTAL_S3_SECRET_KEY")).build();
            String bucket = env("PORTAL_STORAGE_BUCKET");
            String prefix = "bench/" + UUID.randomUUID() + "/";
            try {
                cpu.lap();
                double put = timed(() -> s3Put(s3, bucket, prefix, study));
                Cpu putCpu = cpu.lap();
                // retrieval in rounds, WADO-RS and the raw GET in turn, timed alike (the client only reads the bytes
                // through); the last round is the result: the first ones also compile the portal's, the store's and
                // this client's paths, and a server runs for days. Every round is printed.
                List<String> rounds = new ArrayList<>();
                double wado = 0;
                double get = 0;
                Cpu wadoCpu = null;
                Cpu getCpu = null;
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
                        stowCpu, wadoCpu, putCpu, getCpu, zip, rounds);
            } finally {
                for (int i = 0; i < study.instances(); i++) {
                    s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(prefix + i).build());
                }
            }
        } finally {
            portal.destroy();
            portal.waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    // ---------------------------------------------------------------- the portal process

    private Process startPortal(Path log) throws Exception {
        PortalProcess portal = PortalProcess.start(options.jar(), log);
        base = portal.base();
        return portal.process();
    }

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

    private void warmUp(String ingest, String staff) throws Exception {
        // a server runs for days: measure it after its JIT has compiled the paths, not while it does
        SyntheticStudy small = new SyntheticStudy(Math.max(1, options.warmUp()), options.size());
        stow(small, ingest, new ArrayList<>(), new long[1]);
        retrieve(small, staff);
    }

    // ---------------------------------------------------------------- DICOMweb

    private void stow(SyntheticStudy study, String token, List<String> digests, long[] bytes) throws Exception {
        int parallel = Math.min(options.parallel(), study.instances());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Long>> requests = new ArrayList<>();
            int per = (study.instances() + parallel - 1) / parallel;
            for (int from = 0; from < study.instances(); from += per) {
                int start = from;
                int end = Math.min(study.instances(), from + per);
                requests.add(pool.submit(() -> stowRange(study, start, end, token, digests)));
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

    private long stowRange(SyntheticStudy study, int from, int to, String token, List<String> digests)
            throws Exception {
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies/" + study.studyUid()))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(parts))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
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

    /** CPU time of the portal, the S3 store (found by its command line) and this process, phase by phase. */
    private static final class CpuMeter {

        private final long[] pids;
        private final long[] last;

        CpuMeter(long portal) throws IOException {
            pids = new long[] {portal, storePid(), ProcessHandle.current().pid()};
            last = new long[pids.length];
            lap();
        }

        /** CPU ticks of the portal's threads by name (digits dropped), for finding where its time goes. */
        java.util.Map<String, Long> portalThreads() throws IOException {
            java.util.Map<String, Long> byName = new java.util.TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc/" + pids[0] + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d", "");
                        byName.merge(name, ticks(stat), Long::sum);
                    } catch (IOException ended) {
                        // the thread ended meanwhile
                    }
                }
            }
            return byName;
        }

        Cpu lap() throws IOException {
            double[] spent = new double[pids.length];
            for (int i = 0; i < pids.length; i++) {
                long now = pids[i] < 0 ? 0 : ticks(pids[i]);
                spent[i] = (now - last[i]) / 100.0; // USER_HZ is 100 on Linux
                last[i] = now;
            }
            return new Cpu(spent[0], spent[1], spent[2]);
        }

        private static long ticks(long pid) throws IOException {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        }

        /** User plus system CPU ticks from a /proc stat line (the fields after the command name). */
        private static long ticks(String stat) {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        }

        private static long storePid() {
            return ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("s3proxy")).orElse(false))
                    .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }
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
