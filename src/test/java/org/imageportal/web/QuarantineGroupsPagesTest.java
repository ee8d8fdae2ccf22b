package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.PageSession;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A mislabelled batch is one row of the quarantine, not one per image: the desk reads what differs, releases or
 * deletes the whole group, and only with its box ticked, which the portal checks as well as the browser.
 */
@QuarkusTest
class QuarantineGroupsPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aGroupIsReleasedAndAnotherDeletedOnlyOnceConfirmed() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom accepted = TestDicom.ct(patient).seed(8401);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(accepted.bytes())).then().statusCode(200);
        String misspelt = patient.name().replace("Testpatient", "Testpatiant");
        List<String> renamed = new ArrayList<>();
        List<String> misdated = new ArrayList<>();
        String otherSeries = TestDicom.newUid();
        for (int i = 0; i < 3; i++) {
            TestDicom image = TestDicom.ct(patient.withName(misspelt)).study(accepted.studyUid())
                    .series(accepted.seriesUid()).number(2 + i).seed(8402 + i);
            Dicomweb.stow(TestRealm.ingestToken(), List.of(image.bytes())).then().statusCode(202);
            renamed.add(image.sopInstanceUid());
        }
        for (int i = 0; i < 2; i++) {
            TestDicom image = TestDicom.ct(patient.withBirthDate("19810101")).study(accepted.studyUid())
                    .series(otherSeries).seriesNumber(2).number(1 + i).seed(8410 + i);
            Dicomweb.stow(TestRealm.ingestToken(), List.of(image.bytes())).then().statusCode(202);
            misdated.add(image.sopInstanceUid());
        }

        String mistyped = patient.name().replace("Testpatient", "Tesstpatient");
        TestDicom single = TestDicom.ct(patient.withName(mistyped)).study(accepted.studyUid())
                .series(TestDicom.newUid()).seriesNumber(3).number(1).seed(8420);
        Dicomweb.stow(TestRealm.ingestToken(), List.of(single.bytes())).then().statusCode(202);

        TestRealm.User clerk = TestRealm.createUser("frontdesk");
        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/quarantine"));
        Browser.signIn(desk, clerk);
        desk.waitForURL(url("/frontdesk/quarantine"));
        String shownMisspelt = patient.withName(misspelt).shownName();
        Locator names = desk.locator("tr.held-group", new Page.LocatorOptions().setHasText(shownMisspelt));
        assertThat(names).hasCount(1);
        assertThat(names.locator(".images")).hasText("3 images");
        assertThat(names.locator("form.release label.confirm")).containsText("These 3 images are of ");
        Locator one = desk.locator("tr.held-group",
                new Page.LocatorOptions().setHasText(patient.withName(mistyped).shownName()));
        assertThat(one.locator(".images")).hasText("1 image");
        assertThat(one.locator("form.release label.confirm")).containsText("This image is of ");
        assertThat(one.locator("form.delete label.confirm")).containsText("Delete this image.");
        assertThat(names.locator(".differences")).hasText("name: " + shownMisspelt + " in the images, "
                + patient.shownName() + " on record");
        Locator dates = desk.locator("tr.held-group", new Page.LocatorOptions().setHasText("born 1 Jan 1981"));
        assertThat(dates).hasCount(1);
        assertThat(dates.locator(".images")).hasText("2 images");
        assertThat(dates.locator(".differences")).hasText("birth date: 1 Jan 1981 in the images, 1 Jan 1980 on record");

        // a post without the box ticked, or for a group that has changed, does nothing
        PageSession session = PageSession.of(desk, url("/"));
        String series = names.locator("input[name=series]").first().inputValue();
        String variant = names.locator("input[name=variant]").first().inputValue();
        session.form().formParam("series", series).formParam("variant", variant).formParam("images", "3")
                .post("/frontdesk/quarantine/groups/release").then().statusCode(400)
                .body(containsString("tick the box to confirm"));
        session.form().formParam("series", series).formParam("variant", variant).formParam("images", "2")
                .formParam("confirm", "yes").post("/frontdesk/quarantine/groups/release").then().statusCode(409)
                .body(containsString("now holds 3 images"));
        session.form().formParam("series", series).formParam("variant", variant).formParam("images", "3")
                .post("/frontdesk/quarantine/groups/delete").then().statusCode(400);
        assertThat(held(renamed)).isEqualTo("3");

        // the browser asks for the box before it sends anything
        String before = desk.url();
        names.locator("button.release-group").click();
        assertThat(desk).hasURL(before);
        names.locator("form.release input[name=confirm]").check();
        names.locator("button.release-group").click();
        assertThat(desk.locator(".notice")).hasText("The images were released to the patient.");
        assertThat(desk.locator("tr.held-group", new Page.LocatorOptions().setHasText(shownMisspelt))).hasCount(0);
        assertThat(held(renamed)).isEqualTo("0");
        assertThat(audited("quarantine.release", clerk)).isEqualTo("3");

        dates = desk.locator("tr.held-group", new Page.LocatorOptions().setHasText("born 1 Jan 1981"));
        dates.locator("button.delete-group").click();
        assertThat(dates).hasCount(1);
        dates.locator("form.delete input[name=confirm]").check();
        dates.locator("button.delete-group").click();
        assertThat(desk.locator(".notice")).hasText("The images were deleted.");
        assertThat(desk.locator("tr.held-group", new Page.LocatorOptions().setHasText("born 1 Jan 1981")))
                .hasCount(0);
        assertThat(Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.instance WHERE sop_instance_uid = "
                + "ANY(string_to_array(?, ','))", String.join(",", misdated))).isEqualTo("0");
        assertThat(audited("quarantine.delete", clerk)).isEqualTo("2");
    }

    private String held(List<String> sopInstanceUids) throws Exception {
        return Dicomweb.queryString(db,
                "SELECT count(*)::text FROM portal.instance WHERE quarantine_reason IS NOT NULL "
                        + "AND sop_instance_uid = ANY(string_to_array(?, ','))",
                String.join(",", sopInstanceUids));
    }

    private String audited(String action, TestRealm.User clerk) throws Exception {
        return Dicomweb.queryString(db, "SELECT count(*)::text FROM portal.audit_event WHERE action = '" + action
                + "' AND actor = ?", clerk.id());
    }
}
