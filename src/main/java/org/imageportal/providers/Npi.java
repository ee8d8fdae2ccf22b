package org.imageportal.providers;

/**
 * National Provider Identifier check digit (CMS: Luhn over the 9 identifier digits prefixed by 80840), so that a
 * mistyped NPI is caught at the desk rather than binding an invitation to the wrong physician.
 */
final class Npi {

    private Npi() {
    }

    static boolean valid(String npi) {
        if (npi == null || !npi.matches("[0-9]{10}")) {
            return false;
        }
        String digits = "80840" + npi.substring(0, 9);
        int sum = 0;
        boolean twice = true;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        int check = (10 - sum % 10) % 10;
        return check == npi.charAt(9) - '0';
    }
}
