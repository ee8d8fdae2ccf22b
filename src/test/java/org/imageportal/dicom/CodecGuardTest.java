package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A reader that never finishes costs its own thread only, and only so many of them. */
class CodecGuardTest {

    @Test
    void aReaderThatNeverFinishesIsGivenUpAtTheDeadlineAndTheGuardClosesAfterTheLimit() throws Exception {
        CodecGuard guard = new CodecGuard(Duration.ofMillis(200), 2);
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> guard.run(() -> {
                while (true) {
                    // an endless loop that ignores interruption, as a broken decoder's would
                    never.await(10, TimeUnit.SECONDS);
                }
            })).isInstanceOf(FrameDecoder.Undecodable.class).hasMessageContaining("too long");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(guard.stuck()).isEqualTo(2);
        assertThatThrownBy(() -> guard.run(() -> "fine")).isInstanceOf(FrameDecoder.Undecodable.class)
                .hasMessageContaining("did not finish");
    }

    @Test
    void answersAndRefusalsOfTheReaderPassThrough() throws Exception {
        CodecGuard guard = new CodecGuard(Duration.ofSeconds(5), 1);
        assertThat(guard.run(() -> 42)).isEqualTo(42);
        assertThatThrownBy(() -> guard.run(() -> {
            throw new FrameDecoder.Undecodable("broken");
        })).isInstanceOf(FrameDecoder.Undecodable.class).hasMessage("broken");
        assertThatThrownBy(() -> guard.run(() -> {
            throw new IllegalStateException("reader bug");
        })).isInstanceOf(FrameDecoder.Undecodable.class).hasMessageContaining("cannot be decoded");
        assertThat(guard.stuck()).isZero();
    }
}
