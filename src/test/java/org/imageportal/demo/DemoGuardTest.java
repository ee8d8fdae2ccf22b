package org.imageportal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Demonstration data goes only where it belongs: the demo stack or the test stack, never prod. */
class DemoGuardTest {

    @Test
    void theDemoAndTestStacksMaySeed() {
        assertThat(DemoGuard.refusal(true, List.of("dev"), "portal", "portal")).isEmpty();
        assertThat(DemoGuard.refusal(true, List.of("test"), "portal-test", "portal_test")).isEmpty();
    }

    @Test
    void theProdProfileNeverSeedsEvenWithTheSettingOn() {
        assertThat(DemoGuard.refusal(true, List.of("prod"), "portal", "portal")).get().asString()
                .contains("prod profile");
    }

    @Test
    void withoutTheDemoSettingNothingIsSeeded() {
        assertThat(DemoGuard.refusal(false, List.of("dev"), "portal", "portal")).get().asString()
                .contains("portal.demo.enabled");
    }

    @Test
    void anotherRealmOrAMismatchedDatabaseIsRefused() {
        assertThat(DemoGuard.refusal(true, List.of("dev"), "hospital", "portal")).get().asString()
                .contains("not a demonstration or test realm");
        assertThat(DemoGuard.refusal(true, List.of("dev"), "portal", "portal_test")).get().asString()
                .contains("goes with the database portal");
        assertThat(DemoGuard.refusal(true, List.of("test"), "portal-test", "portal")).isPresent();
    }

    @Test
    void theDatabaseNameIsReadFromTheUrl() {
        assertThat(DemoGuard.databaseOf("postgresql://127.0.0.1:5432/portal_test")).isEqualTo("portal_test");
        assertThat(DemoGuard.databaseOf("postgresql://db:5432/portal?sslmode=require")).isEqualTo("portal");
    }
}
