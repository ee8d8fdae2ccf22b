package org.imageportal.patients;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The patient registry and identity verification at the front desk. */
@ConfigMapping(prefix = "portal.patients")
public interface PatientsConfig {

    /** How recent an identity verification must be for staff to issue access or a share on the patient's behalf. */
    @WithDefault("PT24H")
    Duration verificationWindow();
}
