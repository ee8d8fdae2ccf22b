package org.imageportal.disclosures;

import java.time.ZoneId;
import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.platform.errors.ProblemException;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** A report as the response asked for: a page (html), PDF, CSV or JSON; the file names say nothing about anyone. */
public final class ReportResponses {

    /** The formats offered. */
    public static final List<String> FORMATS = List.of("html", "pdf", "csv", "json");

    @CheckedTemplate(basePath = "accounting")
    static class Templates {

        static native TemplateInstance report(AccountingReport report);
    }

    private ReportResponses() {
    }

    /** Fails with 400 for a format not offered (before any work is done). */
    public static void checkFormat(String format) {
        if (!FORMATS.contains(format)) {
            throw ProblemException.invalid("unknown format", "format", "choose html, pdf, csv or json");
        }
    }

    public static Response render(AccountingReport report, String format, ZoneId zone) {
        String file = (report.kind() == AccountingReport.Kind.ACCOUNTABLE
                ? "accounting-of-disclosures"
                : "access-report") + "-" + report.to();
        return switch (format) {
            case "pdf" -> Response.ok(ReportFormats.pdf(report, zone), "application/pdf")
                    .header("Content-Disposition", "attachment; filename=\"" + file + ".pdf\"").build();
            case "csv" -> Response.ok(ReportFormats.csv(report), "text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + file + ".csv\"").build();
            case "json" -> Response.ok(report, MediaType.APPLICATION_JSON).build();
            default -> Response.ok(Templates.report(report).render(), MediaType.TEXT_HTML + ";charset=utf-8").build();
        };
    }

    /** "accounting" or "access" as the report kind. */
    public static AccountingReport.Kind kind(String report) {
        return "access".equals(report) ? AccountingReport.Kind.FULL_ACCESS : AccountingReport.Kind.ACCOUNTABLE;
    }
}
