package org.imageportal.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.support.PatientWithStudy;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.ShareLinks.Issued;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Many recipients entering codes at once, with a worker pool of four threads, on a link whose code is stored as a slow
 * hash (as earlier versions did): each request waits on its worker for the code check, so the check itself must not
 * need a worker (with the hash queued on that same pool, four waiting
 * requests held every thread and the portal stopped answering: it happened at 160 openings/s under load).
 */
@QuarkusTest
@TestProfile(LinkOpeningConcurrencyTest.FourWorkers.class)
class LinkOpeningConcurrencyTest {

    /** The portal with a worker pool of four threads. */
    public static class FourWorkers implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.core-threads", "1", "quarkus.thread-pool.max-threads", "4");
        }
    }

    private static final int RECIPIENTS = 16;

    @Inject
    DataSource db;

    @Test
    void codesEnteredAtOnceAreAllAnsweredWhenWorkersAreFew() throws Exception {
        PatientWithStudy fixture = PatientWithStudy.create(db, 17);
        Issued link = ShareLinks.issue(fixture.ownerToken(), fixture.studyId(), Map.of());
        // the code as an earlier version stored it, a slow hash (today's keyed form is cheap enough for the event loop)
        String token = link.url().substring(link.url().lastIndexOf('/') + 1);
        try (java.sql.Connection owner = org.imageportal.support.DbOwner.connect();
                java.sql.PreparedStatement update = owner
                        .prepareStatement("UPDATE portal.share_link SET code_hash = ? WHERE id = ?::uuid")) {
            update.setString(1, AccessCodesTest.legacyBoundForm(link.code(), token, 20_000));
            update.setString(2, link.id());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        ExecutorService recipients = Executors.newFixedThreadPool(RECIPIENTS);
        CyclicBarrier together = new CyclicBarrier(RECIPIENTS);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < RECIPIENTS; i++) {
                answers.add(recipients.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    return ShareLinks.postCode(link, link.code(), null).statusCode();
                }));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS)).as("every recipient gets the link session").isEqualTo(303);
            }
        } finally {
            recipients.shutdownNow();
        }
    }
}
