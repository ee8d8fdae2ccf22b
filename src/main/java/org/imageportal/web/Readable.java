package org.imageportal.web;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.imageportal.platform.text.Words;

import io.quarkus.qute.TemplateExtension;

/**
 * Values as people read them, for the pages: {@code {show:person(p.name)}}, {@code {show:date(p.birthDate)}},
 * {@code {show:sex(p.sex)}}, {@code {show:label(v.method)}}. DICOM's and the portal's machine forms
 * ({@code Demo-Patient^Alice}, {@code 19800421}, {@code O}, {@code GOVERNMENT_PHOTO_ID}) invite misreading at a desk
 * where an identity is being checked; what cannot be read as expected is shown as it is, never guessed at.
 */
@TemplateExtension(namespace = "show")
public final class Readable {

    private Readable() {
    }

    /**
     * A DICOM person name ({@code Family^Given^Middle^Prefix^Suffix}, alphabetic group) as people say it: "Dr Alice
     * Jane Demo-Patient Jr" (prefix, given, middle, family, suffix, where given).
     */
    static String person(String name) {
        if (name == null || name.isBlank()) {
            return "";
        }
        String alphabetic = name.split("=", -1)[0];
        if (!alphabetic.contains("^")) {
            return alphabetic.strip();
        }
        String[] parts = alphabetic.split("\\^", -1);
        List<String> shown = new ArrayList<>();
        for (int i : new int[]{3, 1, 2, 0, 4}) {
            if (!part(parts, i).isEmpty()) {
                shown.add(part(parts, i));
            }
        }
        return String.join(" ", shown);
    }

    private static String part(String[] parts, int i) {
        return i < parts.length ? parts[i].strip() : "";
    }

    /** A DICOM date ({@code YYYYMMDD}), an ISO date or a {@link LocalDate} as "21 Apr 1980". */
    static String date(Object value) {
        return Words.date(value);
    }

    /** A moment as "3 Dec 2026, 09:05 EST", in the practice's time zone. */
    static String time(Object value) {
        return Words.time(value);
    }

    /** A moment's time of day as "09:05 EST", in the practice's time zone. */
    static String clock(Object value) {
        return Words.clock(value);
    }

    /**
     * A date as staff may type it into a search: in the practice's format ("21 Apr 1980") it becomes YYYY-MM-DD;
     * anything else is passed on as typed, for the search to accept or refuse.
     */
    static String typedDate(String typed) {
        if (typed == null || typed.isBlank()) {
            return typed;
        }
        try {
            return LocalDate.parse(typed.strip(), Words.dates().withResolverStyle(java.time.format.ResolverStyle.SMART))
                    .toString();
        } catch (DateTimeParseException e) {
            return typed;
        }
    }

    /** A DICOM attribute keyword of the patient's identity in words ({@code PatientBirthDate}: "birth date"). */
    static String field(String keyword) {
        if (keyword == null) {
            return "";
        }
        return switch (keyword) {
            case "PatientName" -> "name";
            case "PatientBirthDate" -> "birth date";
            case "PatientSex" -> "sex";
            case "PatientID" -> "patient ID";
            case "IssuerOfPatientID" -> "issuer of the patient ID";
            default -> keyword;
        };
    }

    /**
     * A study as a list shows it: its modalities, then its description, without repeating a modality the
     * description already names ("CT" and "CT CHEST" make "CT CHEST", not "CT CT CHEST").
     */
    static String study(List<String> modalities, String description) {
        String text = description == null ? "" : description.strip();
        java.util.Set<String> words = new java.util.HashSet<>(List.of(text.toUpperCase(Locale.ROOT).split("\\s+")));
        List<String> shown = new ArrayList<>();
        imaging(modalities).stream().filter(m -> !words.contains(m.toUpperCase(Locale.ROOT))).forEach(shown::add);
        if (!text.isEmpty()) {
            shown.add(text);
        }
        return String.join(" ", shown);
    }

    /** Modalities that are not pictures: a report, a key-image note, a presentation state (said elsewhere). */
    private static final java.util.Set<String> NOT_IMAGES = java.util.Set.of("DOC", "SR", "KO", "PR");

    /** The modalities that say what kind of images a study holds (people are told of reports separately). */
    static List<String> imaging(List<String> modalities) {
        return modalities == null
                ? List.of()
                : modalities.stream().filter(m -> m != null && !m.isBlank()
                        && !NOT_IMAGES.contains(m.toUpperCase(Locale.ROOT))).toList();
    }

    /**
     * A modality as a patient reads it ("CT" is "CT scan", "DX" is "X-ray"); a code without a common name stays as
     * it is.
     */
    static String modality(String code) {
        String upper = code == null ? "" : code.strip().toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "CT" -> "CT scan";
            case "MR" -> "MRI";
            case "DX", "CR", "RG", "XR", "DR" -> "X-ray";
            case "US" -> "Ultrasound";
            case "MG" -> "Mammogram";
            case "PT" -> "PET scan";
            case "NM" -> "Nuclear medicine";
            case "XA" -> "Angiogram";
            case "RF" -> "Fluoroscopy";
            case "IO" -> "Dental X-ray";
            case "PX" -> "Panoramic dental X-ray";
            case "BMD" -> "Bone density scan";
            case "ES" -> "Endoscopy";
            case "OP" -> "Eye photograph";
            case "SC", "OT" -> "Images";
            default -> upper;
        };
    }

    /** A body part as DICOM writes it ({@code CHEST}, {@code LOWER_LEG}) in words ("chest", "lower leg"). */
    static String bodyPart(String code) {
        return code == null ? "" : code.strip().replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    /** What a grant or link covers: "whole study" (no series chosen), "1 series", "2 series". */
    static String scope(Integer seriesCount) {
        return seriesCount == null ? "whole study" : seriesCount + " series";
    }

    /** DICOM's patient sex ({@code M}, {@code F}, {@code O}) in words. */
    static String sex(String value) {
        if (value == null) {
            return "";
        }
        return switch (value.strip()) {
            case "M" -> "male";
            case "F" -> "female";
            case "O" -> "other";
            default -> value.strip();
        };
    }

    /**
     * A code of the portal ({@code SECOND_OPINION}, an enum constant, or a code followed by ": " and free text) in
     * words: "Second opinion", "Second opinion: ..."; anything else unchanged.
     */
    static String label(Object value) {
        return Words.label(value);
    }
}
