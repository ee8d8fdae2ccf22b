package org.imageportal.bench;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.PreparedStatement;

import org.imageportal.support.DbOwner;
import org.imageportal.support.TestRealm;

/** The patient a measurement's study belongs to, given an account of the test realm and signed in once. */
final class BenchPatients {

    /** A token of the account that now owns the patient's studies, and the id of the first of them. */
    record Owner(String token, String studyId) {
    }

    private BenchPatients() {
    }

    /** Links a new patient account to the registry entry {@code patientId}; one sign-in (its code works once). */
    static Owner owner(String patientId) throws Exception {
        TestRealm.User user = TestRealm.createUser("patient");
        try (Connection c = DbOwner.connect();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE portal.patient SET account_subject = ? WHERE patient_id = ?")) {
            s.setString(1, user.id());
            s.setString(2, patientId);
            s.executeUpdate();
        }
        String token = TestRealm.mfaToken(user);
        return new Owner(token, given().auth().oauth2(token).get("/api/studies").jsonPath().getString("[0].id"));
    }
}
