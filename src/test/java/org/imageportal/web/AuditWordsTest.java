package org.imageportal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The privacy officer reads every action the portal records in words, and details as named values, never JSON. */
class AuditWordsTest {

    /** An action code as the portal writes them: {@code study.retrieve}, {@code dimse.peer.create}. */
    private static final Pattern CODE = Pattern.compile("\"([a-z]+(?:-[a-z]+)*(?:\\.[a-z]+(?:-[a-z]+)*){1,2})\"");
    /** Dotted strings in the same classes that are no action: configuration prefixes and job names. */
    private static final Set<String> NOT_ACTIONS = Set.of("identity.activation-sweep");

    @Test
    void everyActionTheCodeRecordsHasWords() throws IOException {
        Set<String> recorded = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                // the classes that write to the trail, and the one that turns Keycloak's events into entries
                if (!source.contains("AuditTrail") && !file.endsWith("SignInEvents.java")) {
                    continue;
                }
                Matcher m = CODE.matcher(source);
                while (m.find()) {
                    String code = m.group(1);
                    if (!code.startsWith("portal.") && !NOT_ACTIONS.contains(code)) {
                        recorded.add(code);
                    }
                }
            }
        }
        assertThat(recorded).contains("study.retrieve", "breakglass.ended", "dimse.peer.create", "auth.login");
        assertThat(recorded).allSatisfy(code -> assertThat(AuditWords.ACTIONS).as(code).containsKey(code));
    }

    @Test
    void anUnknownActionIsShownAsItIs() {
        assertThat(AuditWords.action("study.retrieve")).isEqualTo("Viewed or retrieved a study");
        assertThat(AuditWords.action("future.thing")).isEqualTo("future.thing");
    }

    @Test
    void detailsAreNamedValuesInWords() {
        assertThat(AuditWords.details("{\"download\":false,\"until\":\"2026-11-27T09:00:00Z\",\"criteria\":"
                + "\"PatientID,PatientBirthDate\",\"found\":2,\"brokenAt\":7,\"finding\":\"NOT_JUSTIFIED\"}"))
                .containsExactly(new AuditWords.Detail("Broken at entry", "7"),
                        new AuditWords.Detail("Download allowed", "no"), new AuditWords.Detail("Finding",
                                "Not justified"),
                        new AuditWords.Detail("Found", "2"),
                        new AuditWords.Detail("Searched by", "patient ID, birth date"),
                        new AuditWords.Detail("Until", "27 Nov 2026, 09:00:00 UTC"));
        assertThat(AuditWords.details("{\"someNewThing\":[1,2]}"))
                .containsExactly(new AuditWords.Detail("Some new thing", "1, 2"));
        assertThat(AuditWords.details("{}")).isEmpty();
        assertThat(AuditWords.details("not json")).containsExactly(new AuditWords.Detail("Detail", "not json"));
    }

    @Test
    void whatAnEntryIsAboutIsNamed() {
        assertThat(AuditWords.about("study:1234")).isEqualTo("Study 1234");
        assertThat(AuditWords.about("patient:99")).isEqualTo("Patient record 99");
        assertThat(AuditWords.about("audit")).isEqualTo("The audit trail");
        assertThat(AuditWords.about(null)).isEmpty();
    }
}
