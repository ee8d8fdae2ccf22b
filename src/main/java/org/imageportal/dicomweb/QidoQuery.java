package org.imageportal.dicomweb;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.imageportal.dicom.InstanceMetadata;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.SqlWhere;

/**
 * QIDO-RS query parameters (PS3.18 8.3.4) turned into conditions on the index: keywords or tags as keys, UID lists,
 * date ranges, {@code *}/{@code ?} wildcards on names, {@code limit}, {@code offset} and {@code includefield}.
 */
final class QidoQuery {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private static final Map<String, String> KEYWORDS = Map.ofEntries(
            Map.entry("00100020", "PatientID"), Map.entry("00100010", "PatientName"),
            Map.entry("00080020", "StudyDate"), Map.entry("00080050", "AccessionNumber"),
            Map.entry("00080061", "ModalitiesInStudy"), Map.entry("0020000D", "StudyInstanceUID"),
            Map.entry("00200010", "StudyID"), Map.entry("00080090", "ReferringPhysicianName"),
            Map.entry("00080060", "Modality"), Map.entry("0020000E", "SeriesInstanceUID"),
            Map.entry("00200011", "SeriesNumber"), Map.entry("00080018", "SOPInstanceUID"),
            Map.entry("00080016", "SOPClassUID"), Map.entry("00200013", "InstanceNumber"),
            Map.entry("00081030", "StudyDescription"), Map.entry("00100021", "IssuerOfPatientID"));

    final int limit;
    final int offset;
    final Set<String> includeFields = new HashSet<>();
    /** The fields {@code includefield} names, as tags (those that name none are left out). */
    final Set<String> includeTags = new HashSet<>();
    final boolean includeAll;
    private final Map<String, List<String>> params;

    QidoQuery(Map<String, List<String>> params) {
        this.params = params;
        this.limit = intParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        this.offset = intParam("offset", 0, 0, Integer.MAX_VALUE);
        boolean all = false;
        for (String value : params.getOrDefault("includefield", List.of())) {
            for (String field : value.split(",")) {
                String f = field.strip();
                if (f.equalsIgnoreCase("all")) {
                    all = true;
                } else if (!f.isEmpty()) {
                    includeFields.add(keyword(f));
                    InstanceMetadata.tagOf(f).ifPresent(includeTags::add);
                }
            }
        }
        this.includeAll = all;
    }

    boolean includes(String keyword) {
        return includeAll || includeFields.contains(keyword);
    }

    /** Whether the answer must hold attributes beyond {@code defaults} (tags), which only the metadata has. */
    boolean asksBeyond(Set<String> defaults) {
        return includeAll || !defaults.containsAll(includeTags);
    }

    private int intParam(String name, int fallback, int min, int max) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(values.getFirst().strip());
            if (value < min) {
                throw new NumberFormatException();
            }
            return Math.min(value, max);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.BAD_REQUEST, name + " must be a whole number >= " + min);
        }
    }

    private static final Set<String> CONTROL = Set.of("limit", "offset", "includefield", "fuzzymatching");

    /**
     * What the search does not do as asked, as HTTP Warning values (PS3.18 8.3.4.2: code 299): fuzzy matching
     * (matching here is literal, with the standard's wildcards) and matching keys the portal does not match on,
     * which are ignored rather than refused. The unknown keys are counted, not named.
     */
    static List<String> warnings(Map<String, List<String>> params, String agent) {
        List<String> out = new java.util.ArrayList<>();
        List<String> fuzzy = params.getOrDefault("fuzzymatching", List.of());
        if (fuzzy.stream().anyMatch(v -> "true".equalsIgnoreCase(v.strip()))) {
            out.add("299 " + agent + " \"fuzzymatching is not supported; names were matched literally\"");
        }
        long unknown = params.keySet().stream().filter(k -> !CONTROL.contains(k))
                .filter(k -> !KEYWORDS.containsValue(keyword(k))).count();
        if (unknown > 0) {
            out.add("299 " + agent + " \"" + unknown + " matching key(s) not supported here were ignored\"");
        }
        return out;
    }

    /**
     * The names of the matching keys given (as keywords, sorted), for the audit trail: never their values. Keys the
     * portal does not know are counted, not named (a name could carry anything).
     */
    String criteriaNames() {
        java.util.TreeSet<String> known = new java.util.TreeSet<>();
        int unknown = 0;
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String name = keyword(e.getKey());
            if (CONTROL.contains(name)) {
                continue;
            }
            if (KEYWORDS.containsValue(name)) {
                known.add(name);
            } else {
                unknown++;
            }
        }
        String names = String.join(",", known);
        return unknown == 0 ? names : names + (names.isEmpty() ? "" : ",") + unknown + " other";
    }

    private static String keyword(String key) {
        String upper = key.toUpperCase(Locale.ROOT);
        return KEYWORDS.getOrDefault(upper, key);
    }

    /** The value given for a matching key (by keyword or tag), or null. */
    String value(String keyword) {
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (keyword(e.getKey()).equals(keyword) && !e.getValue().isEmpty() && !e.getValue().getFirst().isBlank()) {
                return e.getValue().getFirst().strip();
            }
        }
        return null;
    }

    /** Adds the study-level matching conditions on alias {@code s}. */
    void matchStudy(SqlWhere where) {
        exact(where, "PatientID", "s.patient_id");
        exact(where, "AccessionNumber", "s.accession_number");
        exact(where, "StudyID", "s.study_id");
        uidList(where, "StudyInstanceUID", "s.study_uid");
        name(where, "PatientName", "s.patient_name");
        name(where, "ReferringPhysicianName", "s.referring_physician");
        dateRange(where, "StudyDate", "s.study_date");
        String modalities = value("ModalitiesInStudy");
        if (modalities != null) {
            where.and("s.modalities && ?", (Object) Arrays.stream(modalities.split("[,\\\\]")).map(String::strip)
                    .filter(m -> !m.isEmpty()).toArray(String[]::new));
        }
    }

    void matchSeries(SqlWhere where) {
        exact(where, "Modality", "se.modality");
        uidList(where, "SeriesInstanceUID", "se.series_uid");
        integer(where, "SeriesNumber", "se.series_number");
    }

    void matchInstance(SqlWhere where) {
        uidList(where, "SOPInstanceUID", "i.sop_instance_uid");
        uidList(where, "SOPClassUID", "i.sop_class_uid");
        integer(where, "InstanceNumber", "i.instance_number");
    }

    private void exact(SqlWhere where, String keyword, String column) {
        String v = value(keyword);
        if (v != null) {
            if (v.contains("*") || v.contains("?")) {
                where.and(column + " LIKE ? ESCAPE '\\'", wildcard(v));
            } else {
                where.and(column + " = ?", v);
            }
        }
    }

    private void name(SqlWhere where, String keyword, String column) {
        String v = value(keyword);
        if (v != null) {
            where.and(column + " ILIKE ? ESCAPE '\\'", wildcard(v));
            String start = v.endsWith("*") ? v.substring(0, v.length() - 1) : v;
            if (!start.isEmpty() && start.chars().noneMatch(c -> c == '*' || c == '?')) {
                // the same match, in a form the ordered index on the folded name serves (a prefix or a whole name)
                if (v.endsWith("*")) {
                    where.and("lower(" + column + ") LIKE lower(?) ESCAPE '\\'", wildcard(start) + "%");
                } else {
                    where.and("lower(" + column + ") = lower(?)", start);
                }
            }
        }
    }

    private void uidList(SqlWhere where, String keyword, String column) {
        String v = value(keyword);
        if (v != null) {
            where.and(column + " = ANY(?)", (Object) Arrays.stream(v.split("[,\\\\]")).map(String::strip)
                    .filter(u -> !u.isEmpty()).toArray(String[]::new));
        }
    }

    private void integer(SqlWhere where, String keyword, String column) {
        String v = value(keyword);
        if (v != null) {
            try {
                where.and(column + " = ?", Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw new ProblemException(ProblemType.BAD_REQUEST, keyword + " must be a number");
            }
        }
    }

    private void dateRange(SqlWhere where, String keyword, String column) {
        String v = value(keyword);
        if (v == null) {
            return;
        }
        String[] range = v.split("-", -1);
        if (range.length == 1) {
            where.and(column + " = ?", date(keyword, range[0]));
        } else if (range.length == 2) {
            if (!range[0].isEmpty()) {
                where.and(column + " >= ?", date(keyword, range[0]));
            }
            if (!range[1].isEmpty()) {
                where.and(column + " <> '' AND " + column + " <= ?", date(keyword, range[1]));
            }
        } else {
            throw new ProblemException(ProblemType.BAD_REQUEST, keyword + " must be a date or a date range");
        }
    }

    private static String date(String keyword, String value) {
        String v = value.strip();
        if (!v.matches("\\d{8}")) {
            throw new ProblemException(ProblemType.BAD_REQUEST, keyword + " dates must be YYYYMMDD");
        }
        return v;
    }

    private static String wildcard(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> out.append('%');
                case '?' -> out.append('_');
                case '%', '_', '\\' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
