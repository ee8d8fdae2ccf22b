package org.imageportal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The benchmark in CI size (a small study through the packaged portal, by STOW-RS and C-STORE, beside a raw S3 PUT
 * and a throw-away Orthanc), so that `infra/portal bench` keeps working: every figure is measured and every retrieved
 * instance is byte-identical to what was stored. No speed is asserted here; the full-size figures are reported by the
 * benchmark itself.
 */
class BenchmarkIT {

    @Test
    void aSmallRunMeasuresEverythingAndGetsEveryByteBack() throws Exception {
        StudyBenchmark.Options options = new StudyBenchmark.Options(40, 128, 2, 10, 2,
                Path.of(System.getProperty("quarkus.app.dir", "target/quarkus-app"), "quarkus-run.jar"));
        StudyBenchmark.Result result = StudyBenchmark.run(options);
        System.out.print(result.report(options));
        assertThat(result.identical()).isTrue();
        assertThat(result.instances()).isEqualTo(40);
        assertThat(result.bytes()).isGreaterThan(40L * 128 * 128 * 2);
        assertThat(result.stowMBps()).isPositive();
        assertThat(result.wadoMBps()).isPositive();
        assertThat(result.s3PutMBps()).isPositive();
        assertThat(result.s3GetMBps()).isPositive();
        // the same study by C-STORE over TLS (storescu) and by Orthanc's own STOW-RS, side by side
        assertThat(result.cstoreMBps()).isPositive();
        assertThat(result.cstorePortalMsPerImage()).isPositive();
        assertThat(result.stowPortalMsPerImage()).isPositive();
        assertThat(result.orthanc().measured()).as("infra/portal test installs Orthanc").isTrue();
        assertThat(result.orthancMBps()).isPositive();
        assertThat(result.orthanc().cpu().orthanc()).isPositive();
        assertThat(result.rounds()).hasSize(2).allMatch(r -> r.contains("WADO-RS") && r.contains("raw GET"));
        assertThat(result.zip().dicomEntries()).isEqualTo(40);
        assertThat(result.zip().dicomdir()).isTrue();
        assertThat(result.zip().firstByteSeconds()).isPositive();
        assertThat(result.peakRssKb()).isGreaterThanOrEqualTo(result.baselineRssKb()).isPositive();
    }
}
