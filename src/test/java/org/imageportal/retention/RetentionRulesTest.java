package org.imageportal.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;

import org.imageportal.retention.RetentionRules.Facts;
import org.imageportal.retention.RetentionRules.Rule;
import org.junit.jupiter.api.Test;

/** The schedule's arithmetic on its own: rule order, modality and age conditions, the age floor. */
class RetentionRulesTest {

    private static final RetentionRules SCHEDULE = new RetentionRules(List.of(
            new Rule(30, null, null, 7, null, "adults"),
            new Rule(10, "MG", null, 10, null, "mammography"),
            new Rule(20, null, 17, 7, 21, "minors")));
    private static final LocalDate ARRIVED = LocalDate.parse("2026-01-01");

    private static String decide(String studyDate, String birthDate, String... modalities) {
        var d = SCHEDULE.decide(new Facts(studyDate, birthDate, List.of(modalities), ARRIVED)).orElseThrow();
        return d.rule().description() + " " + d.keptUntil();
    }

    @Test
    void theFirstMatchingRuleByPriorityDecides() {
        assertThat(decide("20100301", "19800101", "CT")).isEqualTo("adults 2017-03-01");
        assertThat(decide("20100301", "19800101", "MG", "SR")).isEqualTo("mammography 2020-03-01");
        // a 4-year-old: 7 years would end at 11; kept until 21
        assertThat(decide("20100301", "20051215", "CT")).isEqualTo("minors 2026-12-15");
        // a 17-year-old: the 7 years end after the 21st birthday
        assertThat(decide("20100301", "19930101", "CT")).isEqualTo("minors 2017-03-01");
        // 18 at the study: an adult
        assertThat(decide("20100301", "19920101", "CT")).isEqualTo("adults 2017-03-01");
    }

    @Test
    void missingDatesErrOnTheSideOfKeeping() {
        // no study date: counted from arrival
        assertThat(decide("", "19800101", "CT")).isEqualTo("adults 2033-01-01");
        // no birth date: treated as a possible minor (the longer keeping)
        assertThat(decide("20100301", "", "CT")).isEqualTo("minors 2031-03-01");
    }
}
