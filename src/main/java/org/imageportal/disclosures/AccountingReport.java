package org.imageportal.disclosures;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A patient's report of disclosures, built from the disclosure records (plain Java, no database). The accounting
 * (45 CFR 164.528) lists the accountable disclosures, with what (b)(2) requires of each: the date, the recipient's
 * name and address if known, a brief description of what was disclosed and the purpose. Several disclosures to one
 * recipient for one purpose are summarised as (b)(3) allows: the first in full, how many, and the date of the last.
 * The full access report lists every disclosure, excepted ones with their exception, one line each.
 */
public record AccountingReport(Kind kind, String patientName, LocalDate from, LocalDate to, Instant generatedAt,
        boolean freeOfCharge, List<Line> lines) {

    /** Which report. */
    public enum Kind {

        /** The accounting of disclosures the rule requires: accountable disclosures only. */
        ACCOUNTABLE("Accounting of disclosures"),
        /** Every disclosure, excepted ones included. */
        FULL_ACCESS("Full access report");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** One disclosure as recorded. {@code description} is the generated map or, for a manual record, a text. */
    public record Disclosure(Instant at, String recipientName, String claimedName, String recipientAddress,
            String action, Map<String, Object> description, String purpose, boolean accountable,
            Exemption exemption) {
    }

    /**
     * A use by the practice's own staff (not a disclosure): who (their name), when and what they did, as the audit
     * trail recorded it. Listed in the full access report only.
     */
    public record StaffUse(Instant at, String who, String action) {
    }

    /** One line of the report: {@code count} disclosures from {@code date} to {@code lastDate}. */
    public record Line(LocalDate date, String recipient, String address, String description, String purpose,
            String access, String category, int count, LocalDate lastDate) {

        public boolean summarised() {
            return count > 1;
        }
    }

    public String title() {
        return kind.title();
    }

    /** Builds the report from the disclosure records of the period (no staff uses). */
    public static AccountingReport build(Kind kind, String patientName, LocalDate from, LocalDate to,
            Instant generatedAt, boolean freeOfCharge, List<Disclosure> records, ZoneId zone) {
        return build(kind, patientName, from, to, generatedAt, freeOfCharge, records, List.of(), zone);
    }

    /**
     * Builds the report: the accounting from the accountable disclosures; the full access report from every
     * disclosure and the staff's uses (one line per person, action and day, with how many times), by date.
     */
    public static AccountingReport build(Kind kind, String patientName, LocalDate from, LocalDate to,
            Instant generatedAt, boolean freeOfCharge, List<Disclosure> records, List<StaffUse> staff,
            ZoneId zone) {
        List<Disclosure> chosen = records.stream().filter(d -> kind == Kind.FULL_ACCESS || d.accountable())
                .sorted(java.util.Comparator.comparing(Disclosure::at)).toList();
        List<Line> lines = new ArrayList<>();
        if (kind == Kind.FULL_ACCESS) {
            for (Disclosure d : chosen) {
                lines.add(line(d, zone, 1, null));
            }
            Map<List<Object>, List<StaffUse>> uses = new LinkedHashMap<>();
            for (StaffUse u : staff) {
                uses.computeIfAbsent(List.of(date(u.at(), zone), u.who(), u.action()), k -> new ArrayList<>()).add(u);
            }
            for (List<StaffUse> group : uses.values()) {
                StaffUse first = group.get(0);
                lines.add(new Line(date(first.at(), zone), first.who() + " (practice staff)", null,
                        "patient.viewed".equals(first.action()) ? "your registration record" : "your imaging study",
                        "breakglass.opened".equals(first.action())
                                ? "Emergency access outside any share"
                                : "Use within the practice",
                        staffAccess(first.action(), group.size()), "Use within the practice (not a disclosure)",
                        // how many times is in the access text: a use is not a run of disclosures to summarise
                        1, null));
            }
            lines.sort(java.util.Comparator.comparing(Line::date));
        } else {
            Map<List<String>, List<Disclosure>> groups = new LinkedHashMap<>();
            for (Disclosure d : chosen) {
                groups.computeIfAbsent(java.util.Arrays.asList(d.recipientName(), Objects.toString(
                        d.recipientAddress(), ""), d.purpose()), k -> new ArrayList<>()).add(d);
            }
            for (List<Disclosure> group : groups.values()) {
                Disclosure first = group.get(0);
                Disclosure last = group.get(group.size() - 1);
                lines.add(line(first, zone, group.size(), group.size() > 1 ? date(last.at(), zone) : null));
            }
        }
        return new AccountingReport(kind, patientName, from, to, generatedAt, freeOfCharge, List.copyOf(lines));
    }

    private static Line line(Disclosure d, ZoneId zone, int count, LocalDate last) {
        String recipient = d.claimedName() == null || d.claimedName().equalsIgnoreCase(d.recipientName())
                ? d.recipientName()
                : d.recipientName() + " (opened by " + d.claimedName() + ")";
        return new Line(date(d.at(), zone), recipient, d.recipientAddress(), describe(d.description()), d.purpose(),
                access(d.action()), d.accountable() ? "Accountable" : "Excepted: " + d.exemption().label(), count,
                last);
    }

    private static LocalDate date(Instant at, ZoneId zone) {
        return at.atZone(zone).toLocalDate();
    }

    private static String staffAccess(String action, int times) {
        String what = switch (action) {
            case "study.download" -> "Downloaded a copy";
            case "patient.viewed" -> "Opened the record";
            case "breakglass.opened" -> "Break-glass access";
            default -> "Viewed";
        };
        return times > 1 ? what + " (" + times + " times that day)" : what;
    }

    private static String access(String action) {
        return switch (action) {
            case "VIEW" -> "Viewed online";
            case "DOWNLOAD" -> "Downloaded a copy";
            default -> "Released";
        };
    }

    /** A brief description of what was disclosed, from the generated facts (or the text written for it). */
    public static String describe(Map<String, Object> facts) {
        if (facts.get("text") instanceof String text) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        if (facts.get("modalities") instanceof List<?> modalities && !modalities.isEmpty()) {
            out.append(String.join("/", modalities.stream().map(String::valueOf).toList())).append(' ');
        }
        out.append("imaging study");
        if (facts.get("description") instanceof String description && !description.isBlank()) {
            out.append(" \"").append(description.strip()).append('"');
        }
        if (facts.get("studyDate") instanceof String date && date.length() == 8) {
            out.append(" of ").append(date, 0, 4).append('-').append(date, 4, 6).append('-').append(date, 6, 8);
        }
        out.append(": ").append(facts.getOrDefault("series", "?")).append(" series, ")
                .append(facts.getOrDefault("instances", "?")).append(" images");
        out.append(Boolean.TRUE.equals(facts.get("reportIncluded")) ? ", report included" : ", no report");
        return out.toString();
    }
}
