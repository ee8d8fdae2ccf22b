package org.imageportal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The MFA rule on the claims Keycloak puts in tokens. */
class MfaRuleTest {

    @Test
    void levelOfAuthenticationMfaCounts() {
        assertThat(Actors.hasMfa("mfa", null)).isTrue();
        assertThat(Actors.hasMfa("\"mfa\"", null)).isTrue();
    }

    @Test
    void otpAmongTheMethodsCounts() {
        assertThat(Actors.hasMfa("1", List.of("pwd", "otp"))).isTrue();
    }

    @Test
    void aPasskeyAfterThePasswordOrAloneCounts() {
        assertThat(Actors.hasMfa("1", List.of("pwd", "pop"))).isTrue();
        assertThat(Actors.hasMfa("1", List.of("pop"))).isTrue();
    }

    @Test
    void userPresenceOrAnUnknownMethodDoesNotCount() {
        assertThat(Actors.hasMfa("1", List.of("pwd", "user"))).isFalse();
        assertThat(Actors.hasMfa("1", List.of("pwd", "webauthn"))).isFalse();
    }

    @Test
    void passwordAloneDoesNotCount() {
        assertThat(Actors.hasMfa("1", List.of("pwd"))).isFalse();
        assertThat(Actors.hasMfa("pwd", List.of("pwd"))).isFalse();
        assertThat(Actors.hasMfa(null, null)).isFalse();
        assertThat(Actors.hasMfa("0", List.of())).isFalse();
    }

    @Test
    void anAcrMerelyContainingMfaDoesNotCount() {
        assertThat(Actors.hasMfa("no-mfa", List.of("pwd"))).isFalse();
        assertThat(Actors.hasMfa("mfa2", null)).isFalse();
    }

    @Test
    void machinesAreExemptPeopleAreNot() {
        Actor machine = new Actor("s", "service-account-portal-ingest", "x", Set.of(Role.INGEST), false, true);
        Actor person = new Actor("s", "alice", "Alice", Set.of(Role.PATIENT), false, false);
        assertThat(machine.satisfiesMfaRule()).isTrue();
        assertThat(person.satisfiesMfaRule()).isFalse();
    }
}
