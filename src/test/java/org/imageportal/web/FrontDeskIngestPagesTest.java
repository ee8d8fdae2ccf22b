package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.dicom.TestDicom;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The front desk, in real Chromium: finds a patient, uploads a CD as a ZIP with the progress bar, sees what
 * happened to each file, then reviews the image that named someone else and releases it.
 */
@QuarkusTest
class FrontDeskIngestPagesTest extends BrowserTest {

    @Inject
    DataSource db;

    @Test
    void uploadACdThenReviewTheHeldImage() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        TestDicom earlier = TestDicom.ct(patient).seed(60);
        stow(earlier.bytes());
        TestDicom mine = TestDicom.ct(patient).seed(61);
        TestDicom misspelt = TestDicom.ct(patient.withName("Testpatiant^Ann")).study(mine.studyUid())
                .series(mine.seriesUid()).number(2).seed(62);
        byte[] cd = zip(List.of("CD/DICOMDIR", "CD/DICOM/IM1", "CD/DICOM/IM2", "CD/AUTORUN.INF"),
                List.of(TestDicom.dicomdir(), mine.bytes(), misspelt.bytes(), "[autorun]".getBytes()));

        TestRealm.User staff = TestRealm.createUser("frontdesk");
        Page page = browser.newPage();
        page.navigate(url("/frontdesk/upload"));
        Browser.signIn(page, staff);
        page.waitForURL(url("/frontdesk/upload"));
        page.fill("#mrn", patient.id());
        page.click("button[type=submit]");
        page.getByText("Upload for this patient").click();
        assertThat(page.locator("h1")).containsText(patient.shownName());

        page.setInputFiles("#zip", new FilePayload("patient-cd.zip", "application/zip", cd));
        page.click("#start");
        assertThat(page.locator("#status")).hasAttribute("data-finished", "true");
        assertThat(page.locator("#status")).hasText("Finished: 1 stored, 1 held for review, 2 skipped, 0 failed.");
        assertThat(page.locator("#progress")).hasAttribute("value", "100");
        assertThat(page.locator("#results tbody tr")).hasCount(4);
        assertThat(page.locator("tr.outcome-held")).containsText("patient-cd.zip / CD/DICOM/IM2");

        page.navigate(url("/frontdesk/quarantine"));
        var row = page.locator("tr", new Page.LocatorOptions().setHasText("Ann Testpatiant"));
        assertThat(row).containsText("differs from the rest of the study");
        assertThat(row).containsText(patient.shownName());
        assertThat(row).containsText("name: Ann Testpatiant in the images, " + patient.shownName() + " on record");
        row.locator("form.release input[name=confirm]").check();
        row.getByText("Release to this patient").click();
        assertThat(page.locator(".notice")).hasText("The images were released to the patient.");
        assertThat(page.locator("tr", new Page.LocatorOptions().setHasText("Ann Testpatiant"))).hasCount(0);
        assertThat(quarantineReason(misspelt.sopInstanceUid())).isNull();
    }

    @Test
    void anUploadWithoutThePagesTokenIsRefused() {
        TestRealm.User staff = TestRealm.createUser("frontdesk");
        Page page = browser.newPage();
        page.navigate(url("/frontdesk/upload"));
        Browser.signIn(page, staff);
        page.waitForURL(url("/frontdesk/upload"));
        var response = page.request().post(url("/frontdesk/upload/" + java.util.UUID.randomUUID() + "/file"),
                com.microsoft.playwright.options.RequestOptions.create()
                        .setHeader("Content-Type", "application/octet-stream").setData(new byte[]{1, 2, 3}));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.text()).contains("csrf");
    }

    private void stow(byte[] instance) {
        String boundary = "b-" + java.util.UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes());
        body.writeBytes(instance);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
        RestAssured.given().auth().oauth2(TestRealm.ingestToken())
                .contentType("multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .body(body.toByteArray()).post("/dicomweb/studies").then().statusCode(200);
    }

    private static byte[] zip(List<String> names, List<byte[]> contents) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < names.size(); i++) {
                zip.putNextEntry(new ZipEntry(names.get(i)));
                zip.write(contents.get(i));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private String quarantineReason(String sopInstanceUid) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT quarantine_reason FROM portal.instance WHERE sop_instance_uid = ?")) {
            s.setString(1, sopInstanceUid);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : "missing";
            }
        }
    }

}
