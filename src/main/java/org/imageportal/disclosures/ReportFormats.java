package org.imageportal.disclosures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.imageportal.platform.text.Words;

/** The report as CSV (RFC 4180, spreadsheet formulas neutralised) and as a paginated PDF. Plain Java. */
final class ReportFormats {

    private static final float MARGIN = 50;
    private static final float LEADING = 13;

    private ReportFormats() {
    }

    static byte[] csv(AccountingReport report) {
        StringBuilder out = new StringBuilder();
        row(out, List.of("date", "recipient", "recipient address", "what was disclosed", "purpose or basis", "access",
                "category", "number of disclosures", "date of the last"));
        // the staff's uses after the disclosures, their category saying they are none
        for (AccountingReport.Line l : java.util.stream.Stream.concat(report.lines().stream(), report.uses()
                .stream()).toList()) {
            row(out, List.of(l.date().toString(), l.recipient(), nz(l.address()), l.description(), nz(l.purpose()),
                    l.access(), l.category(), String.valueOf(l.count()),
                    l.lastDate() == null ? "" : l.lastDate().toString()));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String cell = cells.get(i);
            // a cell a spreadsheet would run as a formula is kept as text
            if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            out.append('"').append(cell.replace("\"", "\"\"")).append('"');
        }
        out.append("\r\n");
    }

    static byte[] pdf(AccountingReport report, ZoneId zone) {
        return render(report.title(), text(report, zone));
    }

    /** The report as lines of text, headings marked by a leading '#'. */
    private static List<String> text(AccountingReport report, ZoneId zone) {
        List<String> text = new ArrayList<>();
        text.add("#" + report.title());
        text.add("Patient: " + nz(report.patientName()));
        text.add("Period: " + report.from() + " to " + report.to());
        text.add("Prepared " + Words.time(report.generatedAt(), zone)
                + (report.kind() == AccountingReport.Kind.ACCOUNTABLE
                        ? (report.freeOfCharge() ? " (first accounting in 12 months: free of charge)" : "")
                        : ""));
        text.add("");
        if (report.lines().isEmpty()) {
            text.add("No disclosures in this period.");
        } else {
            text.add("#" + counted(report.disclosureCount(), "disclosure") + " in this period");
            text.add("");
        }
        int n = 0;
        for (AccountingReport.Line l : report.lines()) {
            n++;
            addLine(text, n, l, "Disclosed: ");
        }
        if (report.kind() == AccountingReport.Kind.FULL_ACCESS) {
            text.add("#Uses within the practice (not disclosures): " + counted(report.useCount(), "use"));
            text.add("Your images and record as the practice's own staff used them for your treatment and the "
                    + "practice's operations. These are not disclosures (45 CFR 164.528) and are not counted above.");
            text.add("");
            if (report.uses().isEmpty()) {
                text.add("No uses by the practice's staff in this period.");
            }
            n = 0;
            for (AccountingReport.Line l : report.uses()) {
                n++;
                addLine(text, n, l, "Used: ");
            }
        }
        return text;
    }

    /** "1 disclosure", "12 disclosures". */
    static String counted(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** One line of the report as a numbered paragraph; a line for several says how many and when. */
    private static void addLine(List<String> text, int n, AccountingReport.Line l, String what) {
        text.add("#" + n + ". " + l.date() + "  " + nz(l.recipient()));
        if (l.address() != null && !l.address().isBlank()) {
            text.add("Address: " + l.address());
        }
        text.add(what + nz(l.description()));
        text.add(
                "Purpose: " + (l.purpose() == null || l.purpose().isBlank() ? "not stated" : Words.label(l.purpose())));
        text.add("Access: " + l.access() + "; " + l.category());
        if (l.summary() != null && !l.summary().isBlank()) {
            text.add(l.summary());
        }
        text.add("");
    }

    /** The lines as an A4 document in the standard Helvetica, headings in bold, long lines wrapped. */
    private static byte[] render(String title, List<String> text) {
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(title);
            info.setProducer("image portal");
            PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
            Pages pages = new Pages(doc);
            for (String raw : text) {
                boolean heading = raw.startsWith("#");
                PDType1Font font = heading ? bold : regular;
                for (String line : wrap(encodable(font, heading ? raw.substring(1) : raw), font, 10, width)) {
                    pages.show(line, font);
                }
            }
            pages.finish();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes lines top to bottom, starting a new page when the last one is full. */
    private static final class Pages {

        private final PDDocument doc;
        private PDPageContentStream page;
        private float y;

        Pages(PDDocument doc) {
            this.doc = doc;
        }

        void show(String line, PDType1Font font) throws IOException {
            if (page == null || y < MARGIN) {
                next();
            }
            page.beginText();
            page.setFont(font, 10);
            page.newLineAtOffset(MARGIN, y);
            page.showText(line);
            page.endText();
            y -= LEADING;
        }

        private void next() throws IOException {
            if (page != null) {
                page.close();
            }
            PDPage next = new PDPage(PDRectangle.A4);
            doc.addPage(next);
            page = new PDPageContentStream(doc, next);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        void finish() throws IOException {
            if (page != null) {
                page.close();
            }
        }
    }

    /** Characters the standard font cannot show become '?'. */
    private static String encodable(PDType1Font font, String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            String c = new String(Character.toChars(cp));
            try {
                font.encode(c);
                out.append(c);
            } catch (IOException | IllegalArgumentException e) {
                out.append('?');
            }
        });
        return out.toString();
    }

    private static List<String> wrap(String text, PDType1Font font, float size, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        if (text.isEmpty()) {
            lines.add("");
            return lines;
        }
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (font.getStringWidth(candidate) / 1000 * size > width && !line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
