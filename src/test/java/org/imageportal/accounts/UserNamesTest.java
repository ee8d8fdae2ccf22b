package org.imageportal.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class UserNamesTest {

    @Test
    void aPatientsNameIsTwoWordsAndANumberAndRarelyRepeats() {
        Random random = new Random(7);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String name = UserNames.patient(random);
            assertThat(name).matches("[a-z]+-[a-z]+-[1-9][0-9]");
            seen.add(name);
        }
        // 64 x 64 x 90 names: a thousand draws repeat a few at most
        assertThat(seen.size()).isGreaterThan(980);
    }

    @Test
    void aPhysiciansNameIsTheirFamilyNameFolded() {
        assertThat(UserNames.physician("Okafor", 0)).isEqualTo("dr.okafor");
        assertThat(UserNames.physician("Okafor", 1)).isEqualTo("dr.okafor2");
        assertThat(UserNames.physician("Okafor", 4)).isEqualTo("dr.okafor5");
        assertThat(UserNames.physician("Okafor", 5)).matches("dr\\.okafor[1-9][0-9]{2}");
        assertThat(UserNames.physician("Müller-Lüdenscheidt", 0)).isEqualTo("dr.mullerludenscheidt");
        assertThat(UserNames.physician("O'Brien Østergaard", 0)).isEqualTo("dr.obrienostergaard");
        assertThat(UserNames.physician("李", 0)).isEqualTo("dr.physician");
        assertThat(UserNames.physician("Abcdefghijklmnopqrstuvwxyzabc", 0)).isEqualTo("dr.abcdefghijklmnopqrstuvwx");
    }
}
