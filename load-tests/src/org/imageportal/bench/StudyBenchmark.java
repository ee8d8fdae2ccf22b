package org.imageportal.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
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
    public record Options(int instances, int size, int parallel, Path jar) {

        static Options parse(String[] args) {
            int instances = 1000;
            int size = 512;
            int parallel = 4;
            Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--instances" -> instances = Integer.parseInt(args[++i]);
                    case "--size" -> size = Integer.parseInt(args[++i]);
                    case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                    case "--jar" -> jar = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--instances N, --size PIXELS, --parallel N, --jar PATH)");
                }
            }
            return new Options(instances, size, parallel, jar);
        }
    }

    /** The figures of one run. */
    public record Result(int instances, long bytes, double stowSeconds, double wadoSeconds, double s3PutSeconds,
            double s3GetSeconds, long baselineRssKb, long peakRssKb, boolean identical) {

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
                    study: %d CT instances of %dx%dx16 bit, %.1f MB; %d parallel STOW requests / S3 PUTs
                    STOW-RS ingest      %8.1f MB/s  %7.1f instances/s  (%.2f s)
                    WADO-RS retrieval   %8.1f MB/s                     (%.2f s, every instance byte-identical: %s)
                    raw S3 PUT          %8.1f MB/s                     (%.2f s)
                    raw S3 GET          %8.1f MB/s                     (%.2f s, one stream like WADO-RS)
                    ingest / raw PUT    %8.0f %%   (target >= 70 %%)
                    retrieval / raw GET %8.0f %%   (target >= 80 %%)
                    portal RSS          %8d MB before, %d MB peak, growth %d MB (target < 150 MB for 2 GB)
                    """, instances, o.size(), o.size(), mb(), o.parallel(), stowMBps(), stowInstancesPerSecond(),
                    stowSeconds, wadoMBps(), wadoSeconds, identical ? "yes" : "NO", s3PutMBps(), s3PutSeconds,
                    s3GetMBps(), s3GetSeconds, 100 * stowMBps() / s3PutMBps(), 100 * wadoMBps() / s3GetMBps(),
                    baselineRssKb / 1024, peakRssKb / 1024, rssGrowthMb());
        }
    }

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
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
            double stow = timed(() -> stow(study, ingest, expected, bytes));
            MultipartDigests.Result[] retrieved = new MultipartDigests.Result[1];
            double wado = timed(() -> retrieved[0] = retrieve(study, staff));
            long peak = rssKb(pid, "VmHWM");
            List<String> got = new ArrayList<>(retrieved[0].digests());
            List<String> want = new ArrayList<>(expected);
            Collections.sort(got);
            Collections.sort(want);
            boolean identical = got.equals(want) && retrieved[0].contentBytes() == bytes[0];

            MinioClient s3 = MinioClient.builder().endpoint(env("PORTAL_STORAGE_ENDPOINT"))
                    .credentials(env("PORTAL_S3_ACCESS_KEY"), env("PORTAL_S3_SECRET_KEY")).build();
            String bucket = env("PORTAL_STORAGE_BUCKET");
            String prefix = "bench/" + UUID.randomUUID() + "/";
            try {
                double put = timed(() -> s3Put(s3, bucket, prefix, study));
                double get = timed(() -> s3Get(s3, bucket, prefix, study.instances()));
                return new Result(study.instances(), bytes[0], stow, wado, put, get, baseline, peak, identical);
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
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", options.jar().toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_PROFILE", "test");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the portal stopped:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        process.destroy();
        throw new IllegalStateException("the portal did not become ready:\n" + Files.readString(log));
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
        SyntheticStudy small = new SyntheticStudy(20, options.size());
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

    private MultipartDigests.Result retrieve(SyntheticStudy study, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies/" + study.studyUid()))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "multipart/related; type=\"application/dicom\"").GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("WADO-RS answered " + response.statusCode() + ": "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return MultipartDigests.read(body, response.headers().firstValue("Content-Type").orElseThrow());
        }
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
