package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.studies.Dicomweb;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/** A patient asks for a CD on the page; the front desk sees it with its deadline, extends it once, fulfils it. */
@QuarkusTest
class RecordsRequestPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void aPatientAsksForACdAndTheFrontDeskWorksItToTheEnd() throws Exception {
        TestDicom.Patient registered = TestDicom.Patient.random();
        Dicomweb.stow(TestRealm.ingestToken(), List.of(TestDicom.ct(registered).bytes())).then().statusCode(200);
        TestRealm.User patient = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, registered.id(), patient.id());

        Page home = browser.newPage();
        home.navigate(url("/patient/requests"));
        Browser.signIn(home, patient);
        home.waitForURL(url("/patient/requests"));
        home.selectOption("#kind", "THIRD_PARTY_DELIVERY");
        home.click("#file-request");
        assertThat(home.locator(".errors")).containsText("name and address");
        home.selectOption("#kind", "CD_OR_DVD");
        home.fill("#details", "Marker-" + registered.id());
        home.click("#file-request");
        assertThat(home.locator(".notice")).containsText("Your request was received");
        assertThat(home.locator("table.requests .status")).hasText("received");

        Page desk = browser.newPage();
        desk.navigate(url("/frontdesk/requests"));
        Browser.signIn(desk, TestRealm.createUser("frontdesk"));
        desk.waitForURL(url("/frontdesk/requests"));
        var row = desk.locator("tr.request", new Page.LocatorOptions().setHasText("Marker-" + registered.id()));
        assertThat(row).containsText(registered.shownName());
        assertThat(row.locator(".status")).hasText("received");
        row.getByText("Extend 30 days").click();
        assertThat(desk.locator(".errors")).containsText("reason");
        row = desk.locator("tr.request", new Page.LocatorOptions().setHasText("Marker-" + registered.id()));
        row.locator("input[name=reason]").fill("the CD burner is being repaired");
        row.getByText("Extend 30 days").click();
        assertThat(desk.locator(".notice")).containsText("The deadline was extended");
        row = desk.locator("tr.request", new Page.LocatorOptions().setHasText("Marker-" + registered.id()));
        assertThat(row.locator(".status")).hasText("extended");
        assertThat(row.getByText("Extend 30 days")).hasCount(0);
        row.locator("input[name=note]").fill("CD handed over in person");
        row.getByText("Mark fulfilled").click();
        assertThat(desk.locator(".notice")).containsText("fulfilled");
        assertThat(desk.locator("tr.request", new Page.LocatorOptions().setHasText("Marker-" + registered.id())))
                .hasCount(0);

        home.reload();
        assertThat(home.locator("table.requests .status")).hasText("fulfilled");
    }
}
