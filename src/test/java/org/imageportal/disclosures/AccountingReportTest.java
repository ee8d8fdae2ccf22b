package org.imageportal.disclosures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

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
        AccountingReport.Line staff = access.lines().getFirst();
        assertThat(staff.recipient()).isEqualTo("Frank Desk (practice staff)");
        assertThat(staff.access()).isEqualTo("Viewed (3 times that day)");
        assertThat(staff.summarised()).isFalse();
        String pdf;
        try (var doc = org.apache.pdfbox.Loader.loadPDF(ReportFormats.pdf(access, NEW_YORK))) {
            pdf = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        }
        assertThat(pdf).contains("Purpose: Second opinion: a look at the knee").contains("Viewed (3 times that day)")
                .doesNotContain("null").doesNotContain("SECOND_OPINION").doesNotContain("3 disclosures");
    }
}
