package org.imageportal.patients;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whether two person names may be the same person's, for the duplicate check before a registration: the same words
 * without regard to accents, case, punctuation or order (given and family swapped), one name's words all found in
 * the other's (a second family name added), and a slip of one letter in a word of four letters or more (two in one of
 * eight or more). Names are DICOM person names ({@code Family^Given^Middle}) or plain text. Plain Java.
 */
final class NameMatch {

    private NameMatch() {
    }

    /** The words of a name, folded: "Müller^José" gives [muller, jose]. */
    static List<String> words(String name) {
        if (name == null) {
            return List.of();
        }
        String alphabetic = name.split("=", -1)[0];
        String folded = Normalizer.normalize(alphabetic, Normalizer.Form.NFD).replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT);
        return Arrays.stream(folded.split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty()).toList();
    }

    /** True when the two names may belong to the same person (see the class). */
    static boolean similar(String a, String b) {
        List<String> x = words(a);
        List<String> y = words(b);
        if (x.isEmpty() || y.isEmpty()) {
            return false;
        }
        List<String> shorter = x.size() <= y.size() ? x : y;
        List<String> longer = new ArrayList<>(x.size() <= y.size() ? y : x);
        for (String word : shorter) {
            String partner = longer.stream().filter(other -> close(word, other)).findFirst().orElse(null);
            if (partner == null) {
                return false;
            }
            longer.remove(partner);
        }
        return true;
    }

    private static boolean close(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        int shortest = Math.min(a.length(), b.length());
        int allowed = shortest >= 8 ? 2 : shortest >= 4 ? 1 : 0;
        return allowed > 0 && Math.abs(a.length() - b.length()) <= allowed && distance(a, b, allowed) <= allowed;
    }

    /** Levenshtein distance, or {@code limit + 1} once it is certain to exceed the limit. */
    static int distance(String a, String b, int limit) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int best = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
                best = Math.min(best, current[j]);
            }
            if (best > limit) {
                return limit + 1;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
