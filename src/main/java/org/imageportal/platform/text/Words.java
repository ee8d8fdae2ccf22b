package org.imageportal.platform.text;

import java.time.LocalDate;
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

    private Words() {
    }

    /** The practice's format for dates people read and type. */
    public static DateTimeFormatter dates() {
        return SHOWN;
    }

    /**
     * A DICOM date ({@code YYYYMMDD}), an ISO date or a {@link LocalDate} in the practice's format ("21 Apr 1980");
     * anything that is no date is returned as it is, never guessed at.
     */
    public static String date(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof LocalDate d) {
            return SHOWN.format(d);
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
