package org.imageportal.dicom;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The fuzz cases made new for one run against a shared database: every UID of the generator's roots and every
 * Patient ID is replaced, byte for byte and at the same length (so no mutation moves), by values of this run only.
 * The Study Instance UID is one per request; series and instance UIDs one per case. A case whose mutation changed
 * bytes inside the study's UID would keep a value that repeats on every run, so it is left out.
 */
final class FreshCases {

    /** The roots {@link DicomFuzzTest} and {@link TestDicom} build their UIDs on (30 characters each). */
    static final List<String> ROOTS = List.of("1.2.826.0.1.3680043.9.7777.99.", "1.2.826.0.1.3680043.9.7777.98.");

    private static final List<String> PATIENT_IDS = List.of("MRNFUZZ77", "MRNGEOMETRY");

    private final String run;
    private final List<DicomFuzzTest.Base> bases;

    FreshCases(List<DicomFuzzTest.Base> bases) {
        SecureRandom random = new SecureRandom();
        StringBuilder digits = new StringBuilder().append(1 + random.nextInt(9));
        while (digits.length() < 18) {
            digits.append(random.nextInt(10));
        }
        this.run = digits.toString();
        this.bases = bases.stream().sorted(Comparator.comparingInt((DicomFuzzTest.Base b) -> b.name().length())
                .reversed()).toList();
    }

    /** The Study Instance UID of one request: 31 characters, the length of the generator's. */
    String studyUid(int request) {
        return "2.25." + run + "%08d".formatted(request);
    }

    /** Whether the study's UID is still whole in the case, or cut off with the rest of the file. */
    boolean studyUidIntact(DicomFuzzTest.Case c) {
        byte[] original = bases.stream()
                .filter(b -> c.name().equals(b.name()) || c.name().startsWith(b.name() + " ")).findFirst()
                .map(DicomFuzzTest.Base::bytes).orElse(c.bytes());
        for (String root : ROOTS) {
            byte[] uid = (root + "1\0").getBytes(StandardCharsets.US_ASCII);
            int at = org.imageportal.studies.Dicomweb.indexOf(original, uid, 0);
            if (at >= 0) {
                return c.bytes().length < at + uid.length
                        || Arrays.equals(c.bytes(), at, at + uid.length, uid, 0, uid.length);
            }
        }
        return false;
    }

    /** The case with this run's UIDs (the study's for the request, the rest for the case) and Patient IDs. */
    byte[] fresh(DicomFuzzTest.Case c, int request, int index) {
        byte[] bytes = c.bytes().clone();
        String caseRoot = "2.25." + run + "%06d".formatted(index) + ".";
        for (String root : ROOTS) {
            replace(bytes, root + "1\0", studyUid(request) + "\0");
            replace(bytes, root, caseRoot);
        }
        for (String id : PATIENT_IDS) {
            replace(bytes, id, id.substring(0, 2) + run.substring(0, id.length() - 2));
        }
        return bytes;
    }

    private static void replace(byte[] bytes, String from, String to) {
        byte[] needle = from.getBytes(StandardCharsets.US_ASCII);
        byte[] with = to.getBytes(StandardCharsets.US_ASCII);
        if (needle.length != with.length) {
            throw new IllegalArgumentException("a replacement must keep the length");
        }
        List<Integer> found = new ArrayList<>();
        for (int at = org.imageportal.studies.Dicomweb.indexOf(bytes, needle,
                0); at >= 0; at = org.imageportal.studies.Dicomweb.indexOf(bytes, needle, at + needle.length)) {
            found.add(at);
        }
        for (int at : found) {
            System.arraycopy(with, 0, bytes, at, with.length);
        }
    }

}
