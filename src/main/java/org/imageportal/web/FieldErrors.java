package org.imageportal.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.qute.TemplateExtension;

/**
 * A form's errors as people read them: {@code {e.text}} is the message in words, never the form field's code in
 * front of it ("npi: ..."); {@code {errors.errorFor('npi')}} is the message to show next to that field. The portal's
 * own messages are sentences that name what is wrong; a bare message of the validator ("must not be blank") is
 * introduced by the field's name in words.
 */
@TemplateExtension
final class FieldErrors {

    /** Fields whose names are abbreviations or read otherwise than their code. */
    private static final Map<String, String> NAMES = Map.of("npi", "NPI", "mrn", "MRN", "email", "E-mail address",
            "aeTitle", "AE title", "seriesUids", "Series");

    private static final Pattern SIZE = Pattern.compile("size must be between (\\d+) and (\\d+)");

    private FieldErrors() {
    }

    /** The error as a sentence without the field's code. */
    static String text(FrontDeskPages.FieldError error) {
        String message = error.message() == null ? "" : error.message().strip();
        if (error.field() == null || error.field().isBlank() || !bare(message)) {
            return message;
        }
        Matcher size = SIZE.matcher(message);
        if (size.matches()) {
            return "0".equals(size.group(1))
                    ? name(error.field()) + " is too long: at most " + size.group(2) + " characters"
                    : name(error.field()) + " must have " + size.group(1) + " to " + size.group(2) + " characters";
        }
        return name(error.field()) + " " + message;
    }

    /** The message about {@code field}, to show next to it; null when there is none. */
    static String errorFor(List<FrontDeskPages.FieldError> errors, String field) {
        return errors.stream().filter(e -> field.equals(e.field())).map(FieldErrors::text).findFirst().orElse(null);
    }

    /** Whether the message is the validator's own, which does not say what it is about. */
    private static boolean bare(String message) {
        return message.startsWith("must ") || message.startsWith("size must ");
    }

    /** A field's code in words: "documentType" is "Document type", "seriesUids[0]" is "Series". */
    static String name(String field) {
        String code = field.replaceAll("[\\[.].*$", "");
        String known = NAMES.get(code);
        if (known != null) {
            return known;
        }
        String words = code.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        return words.isEmpty() ? field : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
