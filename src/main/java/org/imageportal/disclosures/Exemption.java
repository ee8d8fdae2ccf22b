package org.imageportal.disclosures;

/**
 * Why a disclosure is left out of the accounting a patient may ask for: the exceptions of 45 CFR 164.528(a)(1).
 * A disclosure without one is accountable.
 */
public enum Exemption {

    TREATMENT_PAYMENT_OPERATIONS("for treatment, payment or health care operations (164.528(a)(1)(i))"), TO_INDIVIDUAL(
            "to the patient (164.528(a)(1)(ii))"), INCIDENT_TO_PERMITTED_USE(
                    "incident to a permitted use or disclosure (164.528(a)(1)(iii))"), AUTHORIZATION(
                            "under the patient's authorization (164.528(a)(1)(iv))"), FACILITY_DIRECTORY(
                                    "for the facility's directory (164.528(a)(1)(v))"), PERSONS_INVOLVED_IN_CARE(
                                            "to persons involved in the patient's care (164.528(a)(1)(v))"), NATIONAL_SECURITY(
                                                    "for national security or intelligence (164.528(a)(1)(vi))"), CORRECTIONAL_INSTITUTION(
                                                            "to a correctional institution or law enforcement custody (164.528(a)(1)(vii))"), LIMITED_DATA_SET(
                                                                    "as part of a limited data set (164.528(a)(1)(viii))"), BEFORE_COMPLIANCE_DATE(
                                                                            "before the compliance date (164.528(a)(1)(ix))");

    private final String label;

    Exemption(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * What the portal's own shares are: every share is made at the patient's direction (by the patient, or by staff
     * with the patient's written authorization); for treatment or a second opinion it is a treatment disclosure,
     * for any other purpose one under the patient's authorization.
     */
    public static Exemption forSharePurpose(String purpose) {
        return purpose.startsWith("TREATMENT") || purpose.startsWith("SECOND_OPINION")
                ? TREATMENT_PAYMENT_OPERATIONS
                : AUTHORIZATION;
    }
}
