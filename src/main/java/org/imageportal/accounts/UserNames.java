package org.imageportal.accounts;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * User names people can read aloud and type. A patient's says nothing about them (two plain words and a number:
 * {@code quiet-harbour-47}), since user names appear on slips, in e-mails and in Keycloak's records; a physician's is
 * their family name, which they give out anyway ({@code dr.okafor}, then {@code dr.okafor2} when that one is taken).
 */
public final class UserNames {

    private static final List<String> FIRST = List.of("amber", "bright", "calm", "clear", "cool", "crisp", "dry",
            "early", "even", "fair", "fine", "firm", "fresh", "gentle", "glad", "golden", "grand", "green", "happy",
            "kind", "late", "light", "lively", "lucky", "mellow", "mild", "misty", "modest", "noble", "open", "plain",
            "polite", "proud", "quick", "quiet", "rapid", "ready", "rich", "round", "royal", "silver", "simple",
            "smooth", "snowy", "soft", "solid", "steady", "still", "sunny", "swift", "tall", "tidy", "true", "vivid",
            "warm", "wide", "wise", "young", "brave", "cheerful", "merry", "neat", "patient", "sturdy");
    private static final List<String> SECOND = List.of("acorn", "anchor", "apple", "arrow", "badger", "basin",
            "beacon", "birch", "bridge", "brook", "canyon", "cedar", "cliff", "cloud", "comet", "coral", "crane",
            "creek", "dune", "eagle", "falcon", "fern", "field", "finch", "forest", "garden", "glade", "harbour",
            "hazel", "heron", "hill", "island", "lake", "lantern", "maple", "meadow", "mesa", "moon", "orchard",
            "otter", "pebble", "pine", "planet", "pond", "prairie", "quarry", "raven", "reef", "ridge", "river",
            "robin", "sparrow", "spring", "spruce", "star", "stone", "summit", "thistle", "tide", "valley", "willow",
            "wren", "harvest", "lagoon");

    private static final RandomGenerator RANDOM = new SecureRandom();

    private UserNames() {
    }

    /** A new patient user name; {@code random} chooses (a secure one in production). */
    public static String patient(RandomGenerator random) {
        return FIRST.get(random.nextInt(FIRST.size())) + "-" + SECOND.get(random.nextInt(SECOND.size())) + "-"
                + (10 + random.nextInt(90));
    }

    public static String patient() {
        return patient(RANDOM);
    }

    /**
     * A physician's user name from the family name, folded to plain lower-case letters ({@code Müller-Lüdenscheidt}:
     * {@code dr.mullerludenscheidt}, at most 24 letters); {@code attempt} 0 is the name itself, 1 to 4 add 2 to 5,
     * later ones a random three-digit number.
     * A name with no Latin letter at all becomes {@code dr.physician}.
     */
    public static String physician(String familyName, int attempt) {
        String lower = (familyName == null ? "" : familyName).toLowerCase(Locale.ROOT).replace("ø", "o")
                .replace("æ", "ae").replace("œ", "oe").replace("ß", "ss").replace("ł", "l").replace("đ", "d")
                .replace("þ", "th");
        String folded = Normalizer.normalize(lower, Normalizer.Form.NFKD).replaceAll("\\p{M}", "")
                .replaceAll("[^a-z]", "");
        if (folded.isEmpty()) {
            folded = "physician";
        }
        if (folded.length() > 24) {
            folded = folded.substring(0, 24);
        }
        if (attempt == 0) {
            return "dr." + folded;
        }
        // a common name: dr.smith2 to dr.smith5, then a number nobody needs to guess
        return "dr." + folded + (attempt < 5 ? attempt + 1 : 100 + RANDOM.nextInt(900));
    }
}
