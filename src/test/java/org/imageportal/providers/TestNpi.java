package org.imageportal.providers;

import java.util.concurrent.ThreadLocalRandom;

/** NPIs for tests. */
public final class TestNpi {

    private TestNpi() {
    }

    /** A valid NPI, its check digit computed here independently: Luhn over "80840" and the nine digits. */
    public static String random() {
        StringBuilder nine = new StringBuilder("1");
        for (int i = 0; i < 8; i++) {
            nine.append(ThreadLocalRandom.current().nextInt(10));
        }
        String full = "80840" + nine;
        int total = 0;
        for (int i = 0; i < full.length(); i++) {
            int digit = full.charAt(full.length() - 1 - i) - '0';
            int weighted = i % 2 == 0 ? digit * 2 : digit;
            total += weighted / 10 + weighted % 10;
        }
        return nine.toString() + (10 - total % 10) % 10;
    }
}
