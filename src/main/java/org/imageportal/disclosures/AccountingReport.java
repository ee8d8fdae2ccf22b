package org.imageportal.disclosures;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.imageportal.platform.text.Words;

/**
 * A patient's report of disclosures, built from the disclosure records (plain Java, no database). The accounting
 * (45 CFR 164.528) lists the accountable disclosures, with what (b)(2) requires of each: the date, the recipient's
 * name and address if known, a brief description of what was disclosed and the purpose. Several disclosures to one
 * recipient for one purpose are summarised as (b)(3) allows: the first in full, how many, and the date of the last.
 * The full access report lists every disclosure, excepted ones with their exception, and apart from them the uses
 * by the practice's own staff (for treatment and operations: not disclosures, and not counted as such); identical
 * lines of one day (same recipient, study, purpose and access) are one line with how many times and when.
 */
public record AccountingReport(Kind kind, String patientName, LocalDate from, LocalDate to, Instant generatedAt,
        boolean freeOfCharge, List<Line> lines, List<Line> uses) {

    /** Which report. */
    public enum Kind {

        /** The accounting of disclosures the rule requires: accountable disclosures only. */
        ACCOUNTABLE("Accounting of disclosures"),
        /** Every disclosure, excepted ones included, and the staff's uses apart. */
        FULL_ACCESS("Full access report");

        private final String title;

        Kind(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * One disclosure as recorded. {@code description} is the generated map or, for a manual record, a text;
     * {@code study} the study disclosed, where one was.
     */
    public record Disclosure(Instant at, String recipientName, String claimedName, String recipientAddress,
            String action, Map<String, Object> description, String purpose, boolean accountable,
            Exemption exemption, UUID study) {

        public Disclosure(Instant at, String recipientName, String claimedName, String recipientAddress,
                String action, Map<String, Object> description, String purpose, boolean accountable,
                Exemption exemption) {
            this(at, recipientName, claimedName, recipientAddress, action, description, purpose, accountable,
                    exemption, null);
        }
    }

    /**
     * A use by the practice's own staff (not a disclosure): who (their name), when and what they did, and to what
     * ({@code entity}: the study or the record, as the audit trail names it). Listed in the full access report only.
     */
    public record StaffUse(Instant at, String who, String action, String entity) {

        public StaffUse(Instant at, String who, String action) {
            this(at, who, action, "");
        }
    }

    /**
     * One line of the report: {@code count} disclosures (or uses), the first on {@code date} and the last on
     * {@code lastDate}, the first and last at {@code firstAt} and {@code lastAt}; {@code summary} says so in a
     * sentence where the line stands for more than one, and is empty otherwise.
     */
    public record Line(LocalDate date, String recipient, String address, String description, String purpose,
            String access, String category, int count, LocalDate lastDate, Instant firstAt, Instant lastAt,
            String summary) {

        public boolean summarised() {
            return count > 1;
        }
    }

    public String title() {
        return kind.title();
    }

    /** How many disclosures the report lists (a summarised line counts for each it stands for). */
    public int disclosureCount() {
        return lines.stream().mapToInt(Line::count).sum();
    }

    /** How many uses by the practice's staff the report lists apart (not disclosures). */
    public int useCount() {
        return uses.stream().mapToInt(Line::count).sum();
    }

    /** Builds the report from the disclosure records of the period (no staff uses). */
    public static AccountingReport build(Kind kind, String patientName, LocalDate from, LocalDate to,
            Instant generatedAt, boolean freeOfCharge, List<Disclosure> records, ZoneId zone) {
        return build(kind, patientName, from, to, generatedAt, freeOfCharge, records, List.of(), zone);
    }

    /**
     * Builds the report: the accounting from the accountable disclosures; the full access report from every
     * disclosure (one line per recipient, study, purpose, access and day, with how many times) and, apart, the
     * staff's uses (one line per person, action, record and day, with how many times).
     */
    public static AccountingReport build(Kind kind, String patientName, LocalDate from, LocalDate to,
            Instant generatedAt, boolean freeOfCharge, List<Disclosure> records, List<StaffUse> staff,
            ZoneId zone) {
        List<Disclosure> chosen = records.stream().filter(d -> kind == Kind.FULL_ACCESS || d.accountable())
                .sorted(Comparator.comparing(Disclosure::at)).toList();
        List<Line> lines = new ArrayList<>();
        List<Line> uses = new ArrayList<>();
        if (kind == Kind.FULL_ACCESS) {
            Map<List<Object>, List<Disclosure>> same = new LinkedHashMap<>();
            for (Disclosure d : chosen) {
                same.computeIfAbsent(Arrays.asList(date(d.at(), zone), recipient(d), Objects.toString(
                        d.recipientAddress(), ""), d.study(), d.description(), d.purpose(), d.action(),
                        d.accountable()), k -> new ArrayList<>()).add(d);
            }
            for (List<Disclosure> group : same.values()) {
                Disclosure first = group.getFirst();
                Instant last = group.getLast().at();
                String access = access(first.action());
                lines.add(line(first, zone, group.size(), last, group.size() > 1
                        ? access + " " + times(group.size(), first.at(), last, zone)
                        : ""));
            }
            Map<List<Object>, List<StaffUse>> byDay = new LinkedHashMap<>();
            for (StaffUse u : staff.stream().sorted(Comparator.comparing(StaffUse::at)).toList()) {
                byDay.computeIfAbsent(Arrays.asList(date(u.at(), zone), u.who(), u.action(), u.entity()),
                        k -> new ArrayList<>()).add(u);
            }
            for (List<StaffUse> group : byDay.values()) {
                StaffUse first = group.getFirst();
                Instant last = group.getLast().at();
                String access = staffAccess(first.action());
                uses.add(new Line(date(first.at(), zone), first.who() + " (practice staff)", null,
                        "patient.viewed".equals(first.action()) ? "your registration record" : "your imaging study",
                        "breakglass.opened".equals(first.action())
                                ? "Emergency access outside any share"
                                : "Use within the practice",
                        access, "Use within the practice (not a disclosure)", group.size(), date(last, zone),
                        first.at(), last, group.size() > 1
                                ? access + " " + times(group.size(), first.at(), last, zone)
                                : ""));
            }
            lines.sort(Comparator.comparing(Line::date));
            uses.sort(Comparator.comparing(Line::date));
        } else {
            Map<List<String>, List<Disclosure>> groups = new LinkedHashMap<>();
            for (Disclosure d : chosen) {
                groups.computeIfAbsent(Arrays.asList(d.recipientName(), Objects.toString(d.recipientAddress(), ""),
                        d.purpose()), k -> new ArrayList<>()).add(d);
            }
            for (List<Disclosure> group : groups.values()) {
                Disclosure first = group.getFirst();
                Instant last = group.getLast().at();
                String summary = "";
                if (group.size() > 1) {
                    summary = group.size() + " disclosures to this recipient for this purpose, "
                            + (date(first.at(), zone).equals(date(last, zone))
                                    ? "all that day, " + between(first.at(), last, zone)
                                    : "the last on " + date(last, zone));
                }
                lines.add(line(first, zone, group.size(), last, summary));
            }
        }
        return new AccountingReport(kind, patientName, from, to, generatedAt, freeOfCharge, List.copyOf(lines),
                List.copyOf(uses));
    }

    /** "12 times between 09:14 EST and 09:40 EST", in the practice's time zone. */
    private static String times(int count, Instant first, Instant last, ZoneId zone) {
        return count + " times " + between(first, last, zone);
    }

    private static String between(Instant first, Instant last, ZoneId zone) {
        return "between " + Words.clock(first, zone) + " and " + Words.clock(last, zone);
    }

    private static String recipient(Disclosure d) {
        return d.claimedName() == null || d.claimedName().equalsIgnoreCase(d.recipientName())
                ? d.recipientName()
                : d.recipientName() + " (opened by " + d.claimedName() + ")";
    }

    private static Line line(Disclosure d, ZoneId zone, int count, Instant last, String summary) {
        return new Line(date(d.at(), zone), recipient(d), d.recipientAddress(), describe(d.description()),
                d.purpose(), access(d.action()), d.accountable()
                        ? "Accountable"
                        : "Excepted: " + d.exemption()
                                .label(),
                count, count > 1 ? date(last, zone) : null, d.at(), last, summary);
    }

    private static LocalDate date(Instant at, ZoneId zone) {
        return at.atZone(zone).toLocalDate();
    }

    private static String staffAccess(String action) {
        return switch (action) {
            case "study.download" -> "Downloaded a copy";
            case "patient.viewed" -> "Opened the record";
            case "breakglass.opened" -> "Break-glass access";
            default -> "Viewed";
        };
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
