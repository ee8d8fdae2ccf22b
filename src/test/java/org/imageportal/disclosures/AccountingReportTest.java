package org.imageportal.disclosures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.imageportal.disclosures.AccountingReport.Disclosure;
import org.imageportal.disclosures.AccountingReport.Kind;
import org.junit.jupiter.api.Test;

/** Report building on its own: what goes in which report, (b)(3) summaries, descriptions, CSV safety. */
class AccountingReportTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final Map<String, Object> CT = Map.of("modalities", List.of("CT", "SR"), "description",
            "CHEST W/O", "studyDate", "20260304", "series", 3, "instances", 120, "reportIncluded", false);

    private static Disclosure d(String at, String recipient, String purpose, boolean accountable) {
        return new Disclosure(Instant.parse(at), recipient, null, null, "RELEASE", Map.of("text", "a CD"), purpose,
                accountable, accountable ? null : Exemption.TREATMENT_PAYMENT_OPERATIONS);
    }

    private static AccountingReport build(Kind kind, List<Disclosure> records) {
        return AccountingReport.build(kind, "Ada Lovelace", LocalDate.parse("2026-01-01"),
                LocalDate.parse("2026-12-31"), Instant.parse("2026-11-27T12:00:00Z"), true, records, NEW_YORK);
    }

    @Test
    void theAccountingSummarisesRepeatedDisclosuresAndLeavesOutExceptedOnes() {
        List<Disclosure> records = List.of(d("2026-05-01T15:00:00Z", "Court", "subpoena", true),
                d("2026-03-01T15:00:00Z", "Court", "subpoena", true),
                d("2026-04-01T15:00:00Z", "Dr Who", "TREATMENT", false),
                d("2026-04-02T15:00:00Z", "Court", "another case", true));
        AccountingReport accounting = build(Kind.ACCOUNTABLE, records);
        assertThat(accounting.lines()).extracting(AccountingReport.Line::recipient, AccountingReport.Line::purpose,
                AccountingReport.Line::count).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Court", "subpoena",
                                2),
                        org.assertj.core.groups.Tuple.tuple("Court", "another case", 1));
        assertThat(accounting.lines().getFirst().date()).isEqualTo(LocalDate.parse("2026-03-01"));
        assertThat(accounting.lines().getFirst().lastDate()).isEqualTo(LocalDate.parse("2026-05-01"));
        AccountingReport access = build(Kind.FULL_ACCESS, records);
        assertThat(access.lines()).hasSize(4).allMatch(l -> l.count() == 1);
        assertThat(access.lines().get(1).category()).startsWith("Excepted: for treatment");
    }

    @Test
    void datesAreThePracticesDays() {
        // 02:00 UTC on 2 March is still 1 March in New York
        AccountingReport r = build(Kind.FULL_ACCESS, List.of(d("2026-03-02T02:00:00Z", "Court", "x", true)));
        assertThat(r.lines().getFirst().date()).isEqualTo(LocalDate.parse("2026-03-01"));
    }

    @Test
    void theDescriptionSaysWhatWasDisclosed() {
        assertThat(AccountingReport.describe(CT))
                .isEqualTo("CT/SR imaging study \"CHEST W/O\" of 2026-03-04: 3 series, 120 images, no report");
        assertThat(AccountingReport.describe(Map.of("text", "Copy on CD"))).isEqualTo("Copy on CD");
    }

    @Test
    void csvCellsCannotRunAsFormulas() {
        AccountingReport r = build(Kind.FULL_ACCESS, List.of(d("2026-03-02T15:00:00Z", "=HYPERLINK(\"x\")",
                "+1", true)));
        String csv = new String(ReportFormats.csv(r), StandardCharsets.UTF_8);
        assertThat(csv).contains("\"'=HYPERLINK(\"\"x\"\")\"", "\"'+1\"");
    }

    @Test
    void theStaffsUsesAreCountedAsUsesNotSummarisedAsDisclosures() throws Exception {
        List<AccountingReport.StaffUse> uses = List.of(
                new AccountingReport.StaffUse(Instant.parse("2026-03-02T15:00:00Z"), "Frank Desk", "study.retrieve"),
                new AccountingReport.StaffUse(Instant.parse("2026-03-02T15:05:00Z"), "Frank Desk", "study.retrieve"),
                new AccountingReport.StaffUse(Instant.parse("2026-03-02T15:09:00Z"), "Frank Desk", "study.retrieve"));
        AccountingReport access = AccountingReport.build(Kind.FULL_ACCESS, "Ada Lovelace",
                LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"), Instant.parse("2026-11-27T12:00:00Z"),
                true, List.of(d("2026-03-03T10:00:00Z", "Dr Who", "SECOND_OPINION: a look at the knee", true)), uses,
                NEW_YORK);
        assertThat(access.lines()).extracting(AccountingReport.Line::recipient).containsExactly("Dr Who");
        assertThat(access.disclosureCount()).isEqualTo(1);
        AccountingReport.Line staff = access.uses().getFirst();
        assertThat(access.uses()).hasSize(1);
        assertThat(access.useCount()).isEqualTo(3);
        assertThat(staff.recipient()).isEqualTo("Frank Desk (practice staff)");
        assertThat(staff.access()).isEqualTo("Viewed");
        assertThat(staff.count()).isEqualTo(3);
        assertThat(staff.summary()).isEqualTo("Viewed 3 times between 10:00 EST and 10:09 EST");
        String pdf = pdfText(access);
        assertThat(pdf).contains("Purpose: Second opinion: a look at the knee")
                .contains("Viewed 3 times between 10:00 EST and 10:09 EST").contains("1 disclosure in this period")
                .contains("Uses within the practice (not disclosures): 3 uses").doesNotContain("null")
                .doesNotContain("SECOND_OPINION").doesNotContain("3 disclosures").doesNotContain("4 disclosures");
        // the staff's uses come under their own heading, after the disclosures
        assertThat(pdf.indexOf("Frank Desk")).isGreaterThan(pdf.indexOf("Uses within the practice"));
        assertThat(pdf.indexOf("Dr Who")).isLessThan(pdf.indexOf("Uses within the practice"));
    }

    @Test
    void identicalLinesOfOneDayAreOneLineWithHowManyTimesAndWhen() throws Exception {
        UUID study = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        List<Disclosure> records = new java.util.ArrayList<>();
        // twelve views by one recipient of one study between 09:14 and 09:40 in New York (EST)
        for (int minute = 14; minute <= 40; minute += 2) {
            if (minute != 16 && minute != 18) {
                records.add(view("2026-03-02T14:" + minute + ":00Z", "Dr Who", study));
            }
        }
        records.add(view("2026-03-02T15:00:00Z", "Dr Who", other));
        records.add(view("2026-03-03T15:00:00Z", "Dr Who", study));
        AccountingReport access = build(Kind.FULL_ACCESS, records);
        assertThat(access.lines()).extracting(AccountingReport.Line::date, AccountingReport.Line::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-03-02"), 12),
                        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-03-02"), 1),
                        org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-03-03"), 1));
        assertThat(access.disclosureCount()).isEqualTo(14);
        assertThat(access.lines().getFirst().summary())
                .isEqualTo("Viewed online 12 times between 09:14 EST and 09:40 EST");
        assertThat(access.lines().get(1).summary()).isEmpty();
        String pdf = pdfText(access);
        assertThat(pdf).contains("Viewed online 12 times between 09:14 EST and 09:40 EST")
                .contains("14 disclosures in this period").contains("Prepared 27 Nov 2026, 07:00 EST")
                .contains("No uses by the practice's staff in this period.").doesNotContain("null");
    }

    @Test
    void noReportSaysNullWhereThereIsNothingToSay() throws Exception {
        Disclosure bare = new Disclosure(Instant.parse("2026-03-02T15:00:00Z"), "Court", null, null, "RELEASE",
                Map.of("text", "a CD"), null, true, null);
        for (Kind kind : Kind.values()) {
            AccountingReport one = build(kind, List.of(bare));
            assertThat(pdfText(one)).doesNotContain("null").contains("Prepared 27 Nov 2026, 07:00 EST");
            assertThat(new String(ReportFormats.csv(one), StandardCharsets.UTF_8)).doesNotContain("null");
            assertThat(pdfText(build(kind, List.of()))).doesNotContain("null").contains("No disclosures");
        }
        AccountingReport twice = build(Kind.ACCOUNTABLE, List.of(bare, new Disclosure(Instant.parse(
                "2026-03-02T16:00:00Z"), "Court", null, null, "RELEASE", Map.of("text", "a CD"), null, true, null)));
        assertThat(pdfText(twice)).contains("2 disclosures to this recipient for this purpose, all that day, "
                + "between 10:00 EST and 11:00 EST").doesNotContain("null");
    }

    private static Disclosure view(String at, String recipient, UUID study) {
        return new Disclosure(Instant.parse(at), recipient, null, null, "VIEW", CT, "TREATMENT", false,
                Exemption.TREATMENT_PAYMENT_OPERATIONS, study);
    }

    /** The PDF's text as PDFBox reads it back. */
    private static String pdfText(AccountingReport report) throws java.io.IOException {
        try (var doc = org.apache.pdfbox.Loader.loadPDF(ReportFormats.pdf(report, NEW_YORK))) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        }
    }
}
