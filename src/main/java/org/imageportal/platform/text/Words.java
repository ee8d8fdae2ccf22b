package org.imageportal.platform.text;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The portal's codes in words, for pages and documents people read. */
public final class Words {

    private static final Pattern CODE = Pattern.compile("([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)(: .*)?", Pattern.DOTALL);
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("GOVERNMENT_PHOTO_ID", "Government photo ID"),
            Map.entry("TWO_IDENTIFIERS_AND_PHOTO_ON_FILE", "Two identifiers and the photo on file"),
            Map.entry("KNOWN_PERSONALLY", "Known personally"),
            Map.entry("PERSONAL_REPRESENTATIVE", "Personal representative"),
            Map.entry("TREATMENT", "Treatment"),
            Map.entry("SECOND_OPINION", "Second opinion"),
            Map.entry("OTHER", "Other"),
            Map.entry("CD_OR_DVD", "CD or DVD"),
            Map.entry("PAPER_COPY", "Paper copy"),
            Map.entry("THIRD_PARTY_DELIVERY", "Delivery to a third party"));

    /** The practice's date format for people ({@code portal.display.date-format}, by default "21 Apr 1980"). */
    private static final DateTimeFormatter SHOWN = DateTimeFormatter
            .ofPattern(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("portal.display.date-format", String.class)
                    .orElse("d MMM yyyy"), Locale.ENGLISH);

    /**
     * The practice's time zone for times people read ({@code portal.display.time-zone}, by default UTC).
     */
    private static final ZoneId ZONE = org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getOptionalValue("portal.display.time-zone", String.class)
            .filter(z -> !z.isBlank()).map(ZoneId::of).orElse(ZoneId.of("UTC"));

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm zzz", Locale.ENGLISH);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss zzz", Locale.ENGLISH);

    private Words() {
    }

    /** The practice's time zone. */
    public static ZoneId zone() {
        return ZONE;
    }

    /**
     * A moment ({@link Instant}, {@link OffsetDateTime}, {@link ZonedDateTime} or its ISO text) in the practice's
     * time zone: "3 Dec 2026, 09:05 EST"; anything that is no moment is returned as it is.
     */
    public static String time(Object value) {
        return time(value, ZONE);
    }

    /** A moment in the given time zone, as {@link #time(Object)} writes it. */
    public static String time(Object value, ZoneId zone) {
        ZonedDateTime at = moment(value, zone);
        return at == null ? value == null ? "" : value.toString() : SHOWN.format(at) + ", " + CLOCK.format(at);
    }

    /** A moment to the second, for the audit trail: "3 Dec 2026, 09:05:07 EST". */
    public static String preciseTime(Object value) {
        ZonedDateTime at = moment(value, ZONE);
        return at == null ? value == null ? "" : value.toString() : SHOWN.format(at) + ", " + SECONDS.format(at);
    }

    /** A moment's time of day only, in the practice's time zone: "09:05 EST". */
    public static String clock(Object value) {
        return clock(value, ZONE);
    }

    /** A moment's time of day in the given time zone: "09:05 EST". */
    public static String clock(Object value, ZoneId zone) {
        ZonedDateTime at = moment(value, zone);
        return at == null ? value == null ? "" : value.toString() : CLOCK.format(at);
    }

    private static ZonedDateTime moment(Object value, ZoneId zone) {
        if (value instanceof Instant i) {
            return i.atZone(zone);
        }
        if (value instanceof OffsetDateTime o) {
            return o.atZoneSameInstant(zone);
        }
        if (value instanceof ZonedDateTime z) {
            return z.withZoneSameInstant(zone);
        }
        if (value instanceof CharSequence text) {
            try {
                return OffsetDateTime.parse(text).atZoneSameInstant(zone);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** The practice's format for dates people read and type. */
    public static DateTimeFormatter dates() {
        return SHOWN;
    }

    /**
     * A DICOM date ({@code YYYYMMDD}), an ISO date, a {@link LocalDate} or a moment's day in the practice's time zone,
     * in the practice's format ("21 Apr 1980");
     * anything that is no date is returned as it is, never guessed at.
     */
    public static String date(Object value) {
        return date(value, ZONE);
    }

    static String date(Object value, ZoneId zone) {
        if (value == null) {
            return "";
        }
        if (value instanceof LocalDate d) {
            return SHOWN.format(d);
        }
        if (value instanceof Instant || value instanceof OffsetDateTime || value instanceof ZonedDateTime) {
            return SHOWN.format(moment(value, zone));
        }
        String text = value.toString().strip();
        try {
            return SHOWN.format(text.length() == 8
                    ? LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE)
                    : LocalDate.parse(text));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    /**
     * A code of the portal ({@code SECOND_OPINION}, an enum constant, or a code followed by ": " and free text) in
     * words: "Second opinion", "Second opinion: ..."; anything else unchanged.
     */
    public static String label(Object value) {
        if (value == null) {
            return "";
        }
        String text = value instanceof Enum<?> e ? e.name() : value.toString();
        Matcher m = CODE.matcher(text);
        if (!m.matches()) {
            return text;
        }
        String code = m.group(1);
        String words = LABELS.getOrDefault(code, sentence(code));
        return m.group(2) == null ? words : words + m.group(2);
    }

    private static String sentence(String code) {
        String words = code.toLowerCase(Locale.ROOT).replace('_', ' ').replaceAll("\\bid\\b", "ID");
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
