package org.imageportal.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.core.Response;

import org.imageportal.dicom.ReportText;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.reports.StudyReportService;
import org.imageportal.reports.StudyReportService.Opened;
import org.imageportal.studies.access.StudyCaller;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * A report for reading, the same for patients, physicians and link recipients (only the way back differs): a
 * structured report as a page of text, a PDF as itself, inline, under a name that says nothing about the patient,
 * with its own content security policy (SecurityHeaders) and never sniffed.
 */
final class ReportPages {

    /** One line of the report as the page shows it: indentation level, heading or not, label and value. */
    public record ShownLine(int depth, boolean heading, String label, String value) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance report(String title, String status, String written, String verifiers,
                List<ShownLine> lines, boolean truncated, String back);
    }

    private ReportPages() {
    }

    /** The read report as a response: its page, or the PDF. Blocking: call from a worker thread. */
    static Response respond(StudyReportService reports, Opened opened, int number, String back) {
        try {
            if (opened.kind() == StudyReportService.Kind.PDF) {
                byte[] pdf = reports.pdf(opened);
                return Response.ok(pdf, "application/pdf")
                        .header("Content-Disposition", "inline; filename=\"report-" + number + ".pdf\"")
                        .header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-store").build();
            }
            StudyReportService.ShownReport shown = reports.text(opened);
            return Response.ok(page(shown, back), "text/html;charset=UTF-8").header("Cache-Control", "no-store")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Report {@code number} of study {@code id} as the signed-in actor may read it (404 otherwise). */
    static Response forActor(StudyReportService reports, org.imageportal.identity.Actor actor, String id,
            String number, String back) {
        java.util.UUID study = ProblemException.idOrNotFound(id);
        int n = number(number);
        return respond(reports, reports.open(StudyCaller.of(actor), study, n).await().indefinitely(), n, back);
    }

    /** The report number from the address: a small positive integer, or not found. */
    static int number(String value) {
        if (value == null || !value.matches("[1-9][0-9]{0,3}")) {
            throw ProblemException.notFound();
        }
        return Integer.parseInt(value);
    }

    private static TemplateInstance page(StudyReportService.ShownReport shown, String back) {
        ReportText.Report r = shown.report();
        List<ShownLine> lines = new ArrayList<>();
        for (ReportText.Line line : r.lines()) {
            lines.add(new ShownLine(Math.min(line.depth(), 8), line.kind() == ReportText.Kind.HEADING,
                    line.label(), value(line, shown)));
        }
        String status = ("COMPLETE".equals(r.completion()) ? "Complete" : "Preliminary or partial") + ", "
                + ("VERIFIED".equals(r.verification()) ? "verified" : "not verified");
        String written = r.contentDate().isEmpty()
                ? ""
                : Readable.date(r.contentDate()) + (r.contentTime().length() >= 4
                        ? ", " + time(r.contentTime())
                        : "");
        String verifiers = String.join(", ", r.verifiers().stream().map(Readable::person).toList());
        return Templates.report(r.title().isEmpty() ? "Report" : r.title(), status, written, verifiers, lines,
                r.truncated(), back);
    }

    private static String value(ReportText.Line line, StudyReportService.ShownReport shown) {
        return switch (line.kind()) {
            case HEADING -> "";
            case DATE -> Readable.date(line.value());
            case TIME -> time(line.value());
            case DATETIME -> line.value().length() >= 8
                    ? Readable.date(line.value().substring(0, 8))
                            + (line.value().length() >= 12 ? ", " + time(line.value().substring(8)) : "")
                    : line.value();
            case PNAME -> Readable.person(line.value());
            case IMAGE, COMPOSITE -> {
                String place = shown.images().get(line.referencedSop());
                String what = place != null ? place : "an image not in what you can see of this study";
                yield line.frames().isEmpty()
                        ? what
                        : what + ", frame " + String.join(", ", line.frames().stream().map(String::valueOf).toList());
            }
            case REFERENCE -> "(refers to another item of this report)";
            default -> line.value();
        };
    }

    /** A DICOM time (HHMM, HHMMSS.frac) as "11:30". */
    private static String time(String tm) {
        return tm.length() >= 4 && tm.substring(0, 4).chars().allMatch(Character::isDigit)
                ? tm.substring(0, 2) + ":" + tm.substring(2, 4)
                : tm;
    }
}
