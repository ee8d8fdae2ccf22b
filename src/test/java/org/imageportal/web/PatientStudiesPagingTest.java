package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
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
import com.microsoft.playwright.Response;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A patient of many years sees every study, a page of fifty at a time, newest first: the page says where it is in the
 * list and links to the newer and older pages; a page past the end says so; a page that is not a number is a 400.
 */
@QuarkusTest
class PatientStudiesPagingTest extends BrowserTest {

    private static final int STUDIES = 55;

    @Inject
    DataSource db;

    @Test
    void fiftyFiveStudiesAreTwoPagesNewestFirst() throws Exception {
        TestDicom.Patient patient = TestDicom.Patient.random();
        LocalDate newest = LocalDate.of(2026, 6, 30);
        List<byte[]> studies = new ArrayList<>();
        for (int i = 0; i < STUDIES; i++) {
            // one study a week, going back in time
            studies.add(TestDicom.ct(patient).size(16).studyDate(newest.minusWeeks(i).toString().replace("-", ""))
                    .seed(9100 + i).bytes());
        }
        for (int i = 0; i < STUDIES; i += 11) {
            Dicomweb.stow(TestRealm.ingestToken(), studies.subList(i, Math.min(STUDIES, i + 11))).then()
                    .statusCode(200);
        }
        TestRealm.User user = TestRealm.createUser("patient");
        Dicomweb.linkAccount(db, patient.id(), user.id());

        Page page = browser.newPage();
        page.navigate(url("/patient/studies"));
        Browser.signIn(page, user);
        page.waitForURL(url("/patient/studies"));
        assertThat(page.locator("tr.study")).hasCount(50);
        assertThat(page.locator("tr.study").first().locator("td").first()).hasText(Readable.date(newest));
        assertThat(page.locator("tr.study").last().locator("td").first())
                .hasText(Readable.date(newest.minusWeeks(49)));
        assertThat(page.locator("nav.paging p")).hasText("Studies 1 to 50 of 55, newest first.");
        assertThat(page.locator("nav.paging a[rel=prev]")).hasCount(0);

        page.locator("nav.paging a[rel=next]").click();
        page.waitForURL(url("/patient/studies?page=2"));
        assertThat(page.locator("tr.study")).hasCount(5);
        assertThat(page.locator("tr.study").last().locator("td").first())
                .hasText(Readable.date(newest.minusWeeks(STUDIES - 1)));
        assertThat(page.locator("nav.paging p")).hasText("Studies 51 to 55 of 55, newest first.");
        assertThat(page.locator("nav.paging a[rel=next]")).hasCount(0);
        List<String> second = page.locator("tr.study a.view").all().stream().map(a -> a.getAttribute("href"))
                .toList();
        page.locator("nav.paging a[rel=prev]").click();
        page.waitForURL(url("/patient/studies?page=1"));
        List<String> first = page.locator("tr.study a.view").all().stream().map(a -> a.getAttribute("href"))
                .toList();
        assertThat(first).doesNotContainAnyElementsOf(second);
        assertThat(first.size() + second.size()).isEqualTo(STUDIES);

        page.navigate(url("/patient/studies?page=3"));
        assertThat(page.locator("tr.study")).hasCount(0);
        assertThat(page.locator("p.empty")).containsText("There is no such page: you have 55 studies.");

        Response refused = page.navigate(url("/patient/studies?page=x1"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(page.locator("main")).containsText("pages are numbered from 1");
    }
}
