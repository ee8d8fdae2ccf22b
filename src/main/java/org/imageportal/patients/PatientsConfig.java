package org.imageportal.patients;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The patient registry and identity verification at the front desk. */
@ConfigMapping(prefix = "portal.patients")
public interface PatientsConfig {

    /** How recent an identity verification must be for staff to issue access or a share on the patient's behalf. */
    @WithDefault("PT24H")
    Duration verificationWindow();

    /**
     * The assigning authority (Issuer of Patient ID) of the MRNs the desk registers, the same as the practice's PACS
     * sends with them, so that its images join the registered patient; none by default.
     */
    Optional<String> registrationIssuer();
}
