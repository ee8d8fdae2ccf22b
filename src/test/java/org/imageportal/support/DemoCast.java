package org.imageportal.support;

import java.util.List;

import org.imageportal.demo.DemoSeedService;
import org.imageportal.support.TestRealm.User;

/**
 * The demonstration's people in the test realm, made once per run. The demo patient (one MRN) and the demo physician
 * (one NPI) can each stand for one account only, so every test that seeds the demonstration into the run's database
 * seeds it with these same people; a second seeding then changes nothing instead of finding the patient linked to a
 * stranger.
 */
public final class DemoCast {

    /** Who plays which part, with their passwords and authenticators. */
    public record People(User patient, User physician, User frontDesk, User privacyOfficer, User admin) {

        /** The cast as the seeding names it; the PACS is the ingest client's service account. */
        public DemoSeedService.Cast cast() {
            return new DemoSeedService.Cast(patient.username(), physician.username(), frontDesk.username(),
                    privacyOfficer.username(), admin.username(), "service-account-portal-ingest");
        }

        /** Their account ids, as the audit trail names actors. */
        public List<String> ids() {
            return List.of(patient.id(), physician.id(), frontDesk.id(), privacyOfficer.id(), admin.id());
        }
    }

    /**
     * Where the people are kept: a system property, since each Quarkus application of the run (one per test
     * profile) loads the test classes anew, and a static field would be made again in each.
     */
    private static final String KEPT = "portal.test.demo-cast";

    private DemoCast() {
    }

    public static People people() {
        synchronized (System.class) {
            String kept = System.getProperty(KEPT);
            if (kept == null) {
                List<User> made = List.of(TestRealm.createUser("patient"), TestRealm.createUser("provider"),
                        TestRealm.createUser("frontdesk"), TestRealm.createUser("privacy-officer"),
                        TestRealm.createUser("admin"));
                kept = String.join("\n", made.stream().map(u -> String.join("\t", u.id(), u.username(),
                        u.password(), u.totpSecret(), u.firstName(), u.lastName())).toList());
                System.setProperty(KEPT, kept);
            }
            List<User> users = kept.lines().map(line -> line.split("\t"))
                    .map(f -> new User(f[0], f[1], f[2], f[3], f[4], f[5])).toList();
            return new People(users.get(0), users.get(1), users.get(2), users.get(3), users.get(4));
        }
    }
}
