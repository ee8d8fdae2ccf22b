package org.imageportal.retention;

import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which retention rule holds a study and until when (plain Java). Rules are tried by priority; a rule applies if
 * its modality is among the study's (or it names none) and the patient was at most its age at the study (or it names
 * none). A study is kept {@code keepYears} after its date and, if the rule says so, at least until the patient
 * reaches {@code keepUntilAge}. A study without a readable date counts from when it arrived; a patient without a
 * birth date counts as a minor for rules with an age limit (the longer keeping).
 */
final class RetentionRules {

    /** One rule. */
    record Rule(int priority, String modality, Integer maxAgeAtStudy, int keepYears, Integer keepUntilAge,
            String description) {
    }

    /** The facts a rule looks at. */
    record Facts(String studyDate, String birthDate, List<String> modalities, LocalDate arrived) {
    }

    /** The rule that holds and the last day the study is kept. */
    record Decision(Rule rule, LocalDate keptUntil) {
    }

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private final List<Rule> rules;

    RetentionRules(List<Rule> rules) {
        this.rules = rules.stream().sorted(Comparator.comparingInt(Rule::priority)).toList();
    }

    Optional<Decision> decide(Facts facts) {
        LocalDate studied = date(facts.studyDate()).orElse(facts.arrived());
        Optional<LocalDate> born = date(facts.birthDate());
        Integer age = born.map(b -> Period.between(b, studied).getYears()).orElse(null);
        for (Rule rule : rules) {
            if (rule.modality() != null && !facts.modalities().contains(rule.modality())) {
                continue;
            }
            if (rule.maxAgeAtStudy() != null && age != null && age > rule.maxAgeAtStudy()) {
                continue;
            }
            LocalDate until = studied.plusYears(rule.keepYears());
            if (rule.keepUntilAge() != null) {
                LocalDate grownUp = born.map(b -> b.plusYears(rule.keepUntilAge())).orElse(studied.plusYears(rule
                        .keepUntilAge()));
                if (grownUp.isAfter(until)) {
                    until = grownUp;
                }
            }
            return Optional.of(new Decision(rule, until));
        }
        return Optional.empty();
    }

    private static Optional<LocalDate> date(String value) {
        if (value == null || value.length() != 8) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value, DA));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
