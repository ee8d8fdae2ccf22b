package org.imageportal.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Each table of the portal's schema has one owner: exactly one class writes its rows (inserts, updates, deletes), so
 * a table's rules (what a row may hold, what is audited with it, which transaction it shares) live in one place.
 * Other features read through joins where a report needs them, and change rows only through the owner.
 */
class TableOwnersTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern WRITE = Pattern.compile("(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+portal\\.(\\w+)",
            Pattern.CASE_INSENSITIVE);

    @Test
    void everyTableIsWrittenByOneClass() {
        Map<String, Set<String>> writers = writers();
        assertThat(writers).as("tables written by the code").containsKeys("study", "series", "instance", "patient",
                "disclosure", "audit_event", "share_grant", "share_link", "notification", "deid_copy");
        Map<String, Set<String>> shared = new TreeMap<>();
        writers.forEach((table, classes) -> {
            if (classes.size() > 1) {
                shared.put(table, classes);
            }
        });
        assertThat(shared).as("tables written by more than one class").isEmpty();
    }

    @Test
    void theScanFindsWritesInEveryForm() {
        assertThat(tables("tx.preparedQuery(\"INSERT INTO portal.study (id) VALUES ($1)\")")).containsExactly("study");
        assertThat(tables("\"UPDATE portal.instance SET a = 1\"")).containsExactly("instance");
        assertThat(tables("\"delete from portal.series se WHERE\"")).containsExactly("series");
        assertThat(tables("\"SELECT id FROM portal.patient WHERE id = $1 FOR UPDATE\"")).isEmpty();
    }

    private static Map<String, Set<String>> writers() {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String owner = SOURCES.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                for (String table : tables(read(file))) {
                    out.computeIfAbsent(table, t -> new TreeSet<>()).add(owner);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Set<String> tables(String source) {
        Set<String> found = new TreeSet<>();
        Matcher m = WRITE.matcher(source);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
