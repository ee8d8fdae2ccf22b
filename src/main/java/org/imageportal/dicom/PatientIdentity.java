package org.imageportal.dicom;

/**
 * Who a data set says it belongs to: Patient ID (0010,0020) with its issuer (0010,0021), Patient's Name
 * (0010,0010) as a PN string, birth date (0010,0030, YYYYMMDD) and sex (0010,0040). Empty strings for absent values.
 */
public record PatientIdentity(String patientId, String issuer, String name, String birthDate, String sex) {

    public PatientIdentity {
        patientId = clean(patientId);
        issuer = clean(issuer);
        name = clean(name);
        birthDate = clean(birthDate);
        sex = clean(sex);
    }

    private static String clean(String value) {
        return value == null ? "" : value.strip();
    }

    @Override
    public String toString() {
        return "PatientIdentity[redacted]";
    }
}
