package org.imageportal.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The head deadline on one connection, with the event loop's time in the test's hands: a deadline that fires on
 * time answers 408, one that fires late (the loop was busy elsewhere, and the client's bytes may sit unread) waits a
 * moment more, and a head that arrives in that moment is served.
 */
class HeadClockTest {

    private static final long DEADLINE_MS = 10_000;
    private static final byte[] LATE = "late".getBytes(StandardCharsets.US_ASCII);

    private final AtomicLong now = new AtomicLong();
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() throws Exception {
        channel = new EmbeddedChannel(false, false);
        channel.freezeTime();
        channel.pipeline().addLast("httpDecoder", new HttpRequestDecoder());
        var answers = new RequestHeadGuard.Answers(LATE, new byte[0], new byte[0], new byte[0]);
        channel.pipeline().addFirst("clock", new RequestHeadGuard.Clock(DEADLINE_MS, answers, now::get));
        channel.register();
    }

    /** The loop's time and the clock's own move together, as they do when the loop is free. */
    private void pass(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** The loop was busy: time passed for the clock, and the deadline runs only afterwards. */
    private void stall(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    }

    private boolean answeredLate() {
        ByteBuf written = channel.readOutbound();
        return written != null && written.toString(StandardCharsets.US_ASCII).equals("late");
    }

    @Test
    void aDeadlineThatFiresOnTimeAnswers408() {
        pass(DEADLINE_MS - 1);
        assertThat(answeredLate()).isFalse();
        pass(1);
        assertThat(answeredLate()).isTrue();
    }

    @Test
    void aDeadlineThatFiresLateWaitsAMomentForWhatTheClientSent() {
        stall(DEADLINE_MS + 3_000);
        channel.runScheduledPendingTasks();
        assertThat(answeredLate()).as("a late deadline does not answer at once").isFalse();

        channel.writeInbound(
                Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: portal\r\n\r\n", StandardCharsets.US_ASCII));
        pass(RequestHeadGuard.Clock.GRACE_MILLIS + DEADLINE_MS);
        assertThat(answeredLate()).as("the head came in the moment it waited").isFalse();
    }

    @Test
    void aClientStillSilentAfterTheMomentMoreIsAnswered408() {
        stall(DEADLINE_MS + 3_000);
        channel.runScheduledPendingTasks();
        assertThat(answeredLate()).isFalse();
        pass(RequestHeadGuard.Clock.GRACE_MILLIS);
        assertThat(answeredLate()).isTrue();
    }
}
