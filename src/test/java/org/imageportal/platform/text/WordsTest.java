package org.imageportal.platform.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class WordsTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void aMomentIsShownInThePracticesZoneWithItsName() {
        assertThat(Words.time(Instant.parse("2026-12-03T14:05:30Z"), NEW_YORK)).isEqualTo("3 Dec 2026, 09:05 EST");
        assertThat(Words.time(OffsetDateTime.parse("2026-07-01T12:00:00+02:00"), NEW_YORK))
                .isEqualTo("1 Jul 2026, 06:00 EDT");
        assertThat(Words.time("2026-12-03T14:05:30Z", NEW_YORK)).isEqualTo("3 Dec 2026, 09:05 EST");
    }

    @Test
    void aMomentsDayIsThePracticesDay() {
        assertThat(Words.date(Instant.parse("2026-03-02T02:00:00Z"), NEW_YORK)).isEqualTo("1 Mar 2026");
        assertThat(Words.date(Instant.parse("2026-03-02T02:00:00Z"), ZoneId.of("UTC"))).isEqualTo("2 Mar 2026");
    }

    @Test
    void whatIsNoMomentIsLeftAsItIs() {
        assertThat(Words.time("tomorrow", NEW_YORK)).isEqualTo("tomorrow");
        assertThat(Words.time(null, NEW_YORK)).isEmpty();
        assertThat(Words.date("19800421", NEW_YORK)).isEqualTo("21 Apr 1980");
    }
}
