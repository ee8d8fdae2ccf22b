package org.imageportal.platform.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/** Portal instances sharing one database run each scheduled job once per period between them. */
@QuarkusTest
class ClusterJobsTest {

    @Inject
    ClusterJobs jobs;

    @Test
    void ofManyClaimsAtOnceExactlyOneWinsThePeriod() {
        String job = "test." + UUID.randomUUID();
        List<Uni<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            claims.add(jobs.claim(job, Duration.ofHours(1)));
        }
        List<Boolean> won = Uni.join().all(claims).andFailFast().await().indefinitely();
        assertThat(won.stream().filter(Boolean::booleanValue).count()).isEqualTo(1);
        assertThat(jobs.claim(job, Duration.ofHours(1)).await().indefinitely()).as("later in the same period")
                .isFalse();
    }

    @Test
    void theNextPeriodCanBeClaimedAgain() throws Exception {
        String job = "test." + UUID.randomUUID();
        assertThat(jobs.claim(job, Duration.ofMillis(300)).await().indefinitely()).isTrue();
        assertThat(jobs.claim(job, Duration.ofMillis(300)).await().indefinitely()).isFalse();
        Thread.sleep(350);
        assertThat(jobs.claim(job, Duration.ofMillis(300)).await().indefinitely()).isTrue();
    }
}
