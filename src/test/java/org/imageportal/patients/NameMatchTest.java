package org.imageportal.patients;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameMatchTest {

    @Test
    void foldsAccentsCaseAndTheDicomSeparators() {
        assertThat(NameMatch.words("Müller^José^Ángel")).containsExactly("muller", "jose", "angel");
        assertThat(NameMatch.words("  O'Brien-Smith  ^ ANN ")).containsExactly("o", "brien", "smith", "ann");
    }

    @Test
    void theSameWordsInAnyOrderAreSimilar() {
        assertThat(NameMatch.similar("Muller^Jose", "José Müller")).isTrue();
        assertThat(NameMatch.similar("Jose^Muller", "MULLER^JOSE")).isTrue();
    }

    @Test
    void aSecondFamilyNameOrASlipOfOneLetterIsSimilar() {
        assertThat(NameMatch.similar("Garcia^Maria", "Garcia Lopez^Maria")).isTrue();
        assertThat(NameMatch.similar("Testpatient^Ann", "Testpatiant^Ann")).isTrue();
        assertThat(NameMatch.similar("Johansson^Kristina", "Johanson^Kristine")).isTrue();
    }

    @Test
    void differentPeopleAreNot() {
        assertThat(NameMatch.similar("Lee^Ann", "Lee^Bob")).isFalse();
        // short words must match exactly: one letter is most of them
        assertThat(NameMatch.similar("Lee^Ann", "Lea^Ann")).isFalse();
        assertThat(NameMatch.similar("Smith^John", "Smythe^Joan")).isFalse();
        assertThat(NameMatch.similar("", "Smith^John")).isFalse();
    }

    @Test
    void theDistanceStopsEarlyPastItsLimit() {
        assertThat(NameMatch.distance("kitten", "sitting", 3)).isEqualTo(3);
        assertThat(NameMatch.distance("abcdefgh", "zyxwvuts", 2)).isEqualTo(3);
    }
}
