package org.imageportal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.imageportal.patients.VerificationMethod;
import org.junit.jupiter.api.Test;

class ReadableTest {

    @Test
    void personNamesShowGivenThenFamilyAndDropTheOtherGroups() {
        assertThat(Readable.person("Demo-Patient^Alice")).isEqualTo("Alice Demo-Patient");
        assertThat(Readable.person("Doe^John^Quincy^Dr^Jr")).isEqualTo("Dr John Quincy Doe Jr");
        assertThat(Readable.person("Yamada^Tarou=山田^太郎=やまだ^たろう")).isEqualTo("Tarou Yamada");
        assertThat(Readable.person("Doe")).isEqualTo("Doe");
        assertThat(Readable.person("^Alice")).isEqualTo("Alice");
        assertThat(Readable.person("Amara Okafor")).isEqualTo("Amara Okafor");
        assertThat(Readable.person(null)).isEmpty();
    }

    @Test
    void datesShowTheMonthByName() {
        assertThat(Readable.date("19800421")).isEqualTo("21 Apr 1980");
        assertThat(Readable.date("2026-03-04")).isEqualTo("4 Mar 2026");
        assertThat(Readable.date(LocalDate.of(1970, 1, 1))).isEqualTo("1 Jan 1970");
        assertThat(Readable.date("20250915")).isEqualTo("15 Sep 2025");
        // what is not a date is shown as it is, never guessed at
        assertThat(Readable.date("19800231")).isEqualTo("19800231");
        assertThat(Readable.date("1980")).isEqualTo("1980");
        assertThat(Readable.date(null)).isEmpty();
    }

    @Test
    void aStudyNamesEachModalityOnce() {
        assertThat(Readable.study(java.util.List.of("CT"), "CT CHEST WITHOUT CONTRAST"))
                .isEqualTo("CT CHEST WITHOUT CONTRAST");
        // a PDF report's DOC is no kind of image: the page says "report available" on its own
        assertThat(Readable.study(java.util.List.of("DOC", "DX"), "XR CHEST PA")).isEqualTo("DX XR CHEST PA");
        assertThat(Readable.study(java.util.List.of("SR"), "CT ABDOMEN")).isEqualTo("CT ABDOMEN");
        assertThat(Readable.imaging(java.util.List.of("CT", "KO", "PR", "MR"))).containsExactly("CT", "MR");
        assertThat(Readable.study(java.util.List.of("MR"), "Knee")).isEqualTo("MR Knee");
        assertThat(Readable.study(java.util.List.of("CT"), null)).isEqualTo("CT");
    }

    @Test
    void codesAreShownInWords() {
        assertThat(Readable.sex("O")).isEqualTo("other");
        assertThat(Readable.sex("F")).isEqualTo("female");
        assertThat(Readable.sex("X")).isEqualTo("X");
        assertThat(Readable.label(VerificationMethod.GOVERNMENT_PHOTO_ID)).isEqualTo("Government photo ID");
        assertThat(Readable.label("SECOND_OPINION")).isEqualTo("Second opinion");
        assertThat(Readable.label("OTHER: family records")).isEqualTo("Other: family records");
        assertThat(Readable.label("CD_OR_DVD")).isEqualTo("CD or DVD");
        assertThat(Readable.label("NEW_KIND_OF_ID")).isEqualTo("New kind of ID");
        assertThat(Readable.label("a sentence already")).isEqualTo("a sentence already");
        assertThat(Readable.field("PatientBirthDate")).isEqualTo("birth date");
        assertThat(Readable.field("StudyDate")).isEqualTo("StudyDate");
    }

    @Test
    void aShareSaysWhatItCovers() {
        assertThat(Readable.scope(null)).isEqualTo("whole study");
        assertThat(Readable.scope(1)).isEqualTo("1 series");
        assertThat(Readable.scope(2)).isEqualTo("2 series");
    }

    @Test
    void modalitiesAndBodyPartsAreShownToPatientsInWords() {
        assertThat(Readable.modality("DX")).isEqualTo("X-ray");
        assertThat(Readable.modality("CR")).isEqualTo("X-ray");
        assertThat(Readable.modality("CT")).isEqualTo("CT scan");
        assertThat(Readable.modality("mr")).isEqualTo("MRI");
        assertThat(Readable.modality("US")).isEqualTo("Ultrasound");
        assertThat(Readable.modality("ZZ")).isEqualTo("ZZ");
        assertThat(Readable.bodyPart("CHEST")).isEqualTo("chest");
        assertThat(Readable.bodyPart("LOWER_LEG")).isEqualTo("lower leg");
    }
}
