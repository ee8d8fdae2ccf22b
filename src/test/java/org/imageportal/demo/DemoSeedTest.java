package org.imageportal.demo;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.imageportal.support.DbOwner;
import org.imageportal.support.DemoCast;
import org.imageportal.support.ShareLinks;
import org.imageportal.support.TestRealm;
import org.imageportal.support.TestRealm.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The demonstration data as each demo user meets it, seeded into the test realm and database by the same service
 * that {@code seed-demo} runs: the patient sees her studies, the physician his grant, the link opens with its code,
 * the front desk has an image to review, the privacy officer a request; and seeding again changes nothing.
 */
@QuarkusTest
class DemoSeedTest {

    @Inject
    DemoSeedService seeding;

    @Test
    void everyDemoUserFindsTheirWorkAndASecondRunChangesNothing(@TempDir Path dir) throws Exception {
        DemoCast.People cast = DemoCast.people();
        User patient = cast.patient();
        User physician = cast.physician();
        User desk = cast.frontDesk();
        User officer = cast.privacyOfficer();
        Path linkFile = dir.resolve("demo-link.properties");

        DemoSeedService.Seeded first = seeding.seed(cast.cast(), dir.resolve("first"), linkFile);
        assertThat(first.stored()).isEqualTo(14);
        assertThat(first.accountLinked()).isTrue();
        assertThat(first.grantCreated()).isTrue();
        assertThat(first.linkIssued()).isTrue();
        assertThat(first.accountingRequested()).isTrue();
        List<String> people = cast.ids();
        Map<String, Long> before = counts(people);

        DemoSeedService.Seeded second = seeding.seed(cast.cast(), dir.resolve("second"), linkFile);
        assertThat(counts(people)).isEqualTo(before);
        assertThat(second.stored()).isZero();
        assertThat(second.alreadyStored()).isEqualTo(14);
        assertThat(second.accountLinked() || second.physicianRegistered() || second.grantCreated()
                || second.linkIssued() || second.accountingRequested()).isFalse();
        assertThat(second.linkUrl()).isEqualTo(first.linkUrl());
        assertThat(second.accessCode()).isEqualTo(first.accessCode());
        assertThat(before).containsEntry("patient", 1L).containsEntry("study", 4L).containsEntry("instance", 14L)
                .containsEntry("held", 1L).containsEntry("provider", 1L).containsEntry("share_grant", 1L)
                .containsEntry("share_link", 1L).containsEntry("accounting_request", 1L);

        List<String> studies = given().auth().oauth2(TestRealm.mfaToken(patient)).accept("application/dicom+json")
                .get("/dicomweb/studies").then().statusCode(200).extract().jsonPath()
                .getList("'0020000D'.Value.flatten()");
        assertThat(studies).containsExactlyInAnyOrder(DemoStudies.CT_STUDY, DemoStudies.MR_STUDY,
                DemoStudies.XR_STUDY);

        JsonPath shared = given().auth().oauth2(TestRealm.mfaToken(physician)).get("/api/sharing/shared-with-me")
                .then().statusCode(200).extract().jsonPath();
        assertThat(shared.getList("id")).containsExactly(first.grantId().toString());

        ShareLinks.openSession(new ShareLinks.Issued(first.linkUrl(), first.accessCode(), first.linkId().toString()));

        JsonPath held = given().auth().oauth2(TestRealm.mfaToken(desk)).get("/api/quarantine").then()
                .statusCode(200).extract().jsonPath();
        assertThat(held.getList("findAll { it.studyUid == '" + DemoStudies.HELD_STUDY + "' }.reason"))
                .containsExactly("REGISTRY_IDENTITY_MISMATCH");

        JsonPath open = given().auth().oauth2(TestRealm.mfaToken(officer)).get("/api/accounting/requests").then()
                .statusCode(200).extract().jsonPath();
        assertThat(open.getList("id")).contains(first.accountingRequestId().toString());
    }

    @Test
    void aRealmWithoutTheCastIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Map<String, Long> before = counts(List.of());
        DemoSeedService.Cast strangers = new DemoSeedService.Cast("nobody-" + System.nanoTime(), "x", "x", "x",
                "x", "service-account-portal-ingest");
        assertThatThrownBy(() -> seeding.seed(strangers, dir, dir.resolve("link.properties")))
                .isInstanceOf(DemoSeedService.Refused.class).hasMessageContaining("has no user");
        assertThat(counts(List.of())).isEqualTo(before);
    }

    /** Rows of what seeding makes, and the audit entries of the demo users other than their sign-ins. */
    private static Map<String, Long> counts(List<String> people) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = DbOwner.connect()) {
            String patient = "(SELECT id FROM portal.patient WHERE patient_id = '" + DemoStudies.PATIENT.patientId()
                    + "')";
            String studies = "(SELECT id FROM portal.study WHERE study_uid IN ('" + DemoStudies.CT_STUDY + "','"
                    + DemoStudies.MR_STUDY + "','" + DemoStudies.XR_STUDY + "','" + DemoStudies.HELD_STUDY + "'))";
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("patient", "portal.patient WHERE id = " + patient);
            queries.put("study", "portal.study WHERE id IN " + studies);
            queries.put("series", "portal.series WHERE study_ref IN " + studies);
            queries.put("instance", "portal.instance WHERE study_ref IN " + studies);
            queries.put("held", "portal.instance WHERE study_ref IN " + studies + " AND quarantine_reason IS NOT NULL");
            queries.put("identity_verification", "portal.identity_verification WHERE patient_ref = " + patient);
            queries.put("provider", "portal.provider WHERE npi = '" + DemoSeedService.NPI + "'");
            queries.put("share_grant", "portal.share_grant WHERE patient_ref = " + patient);
            queries.put("share_link", "portal.share_link WHERE patient_ref = " + patient);
            queries.put("accounting_request", "portal.accounting_request WHERE patient_ref = " + patient);
            queries.put("pending_object", "portal.pending_object");
            for (var query : queries.entrySet()) {
                try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM " + query.getValue())) {
                    r.next();
                    counts.put(query.getKey(), r.getLong(1));
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM portal.audit_event "
                    + "WHERE actor = ANY (?) AND action NOT LIKE 'auth.%'")) {
                s.setArray(1, c.createArrayOf("text", people.toArray()));
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    counts.put("audit", r.getLong(1));
                }
            }
        }
        return counts;
    }
}
