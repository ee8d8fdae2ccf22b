package org.imageportal.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.imageportal.audit.AuditTrail;
import org.imageportal.support.Browser;
import org.imageportal.support.BrowserTest;
import org.imageportal.support.TestRealm;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The privacy officer pages through a search of the audit trail that finds more than one page: newest first, each
 * page the next older entries without a gap or a repeat, the search kept from page to page, and the range shown.
 */
@QuarkusTest
class AuditTrailPagingTest extends BrowserTest {

    private static final int RETRIEVALS = 120;

    @Inject
    AuditTrail audit;

    @Inject
    DataSource db;

    @Test
    void olderAndNewerPagesFollowEachOtherAndKeepTheSearch() throws Exception {
        // one (unknown) account's retrievals, with other actions of theirs in between that the search leaves out
        String actor = "paging-" + UUID.randomUUID();
        for (int i = 0; i < RETRIEVALS; i++) {
            audit.record(actor, "study.retrieve", "success", "study:" + UUID.randomUUID(), Map.of()).await()
                    .indefinitely();
            if (i % 10 == 0) {
                audit.record(actor, "patient.search", "success", "patient", Map.of()).await().indefinitely();
            }
        }

        Page officer = browser.newPage();
        officer.setViewportSize(390, 844);
        officer.navigate(url("/privacy/audit"));
        Browser.signIn(officer, TestRealm.createUser("privacy-officer"));
        officer.waitForURL(url("/privacy/audit"));
        officer.fill("#user", actor);
        officer.fill("#action", "study.retrieve");
        officer.click("#search-audit");

        List<Long> trail = retrievalsNewestFirst(actor);
        assertThat(trail).hasSize(RETRIEVALS);
        assertThat(page(officer, trail, 0, 50)).isEqualTo(trail.subList(0, 50));
        assertThat(officer.locator("#audit-newer")).hasCount(0);

        officer.click("#audit-older");
        assertThat(page(officer, trail, 50, 100)).as("the next older entries, no gap and no repeat")
                .isEqualTo(trail.subList(50, 100));
        assertThat(officer.locator("#user")).hasValue(actor);
        assertThat(officer.locator("#action")).hasValue("study.retrieve");
        assertThat(officer.locator("table.audit")).not().containsText("patient.search");

        officer.click("#audit-older");
        assertThat(page(officer, trail, 100, RETRIEVALS)).isEqualTo(trail.subList(100, RETRIEVALS));
        assertThat(officer.locator("#audit-older")).hasCount(0);

        officer.click("#audit-newer");
        assertThat(page(officer, trail, 50, 100)).isEqualTo(trail.subList(50, 100));
        officer.click("#audit-newer");
        assertThat(page(officer, trail, 0, 50)).isEqualTo(trail.subList(0, 50));
        assertThat(officer.locator("#audit-newer")).hasCount(0);
        assertThat(((Number) officer.evaluate("() => document.documentElement.scrollWidth")).intValue())
                .isLessThanOrEqualTo(390);
    }

    /** The entry numbers shown, once the page says it shows {@code trail[from]} to {@code trail[to - 1]}. */
    private static List<Long> page(Page page, List<Long> trail, int from, int to) {
        assertThat(page.locator("#audit-range")).containsText("Entries " + trail.get(from) + " to "
                + trail.get(to - 1) + " (");
        return page.locator("table.audit td.seq").allTextContents().stream().map(s -> Long.parseLong(s.strip()))
                .toList();
    }

    private List<Long> retrievalsNewestFirst(String actor) throws Exception {
        List<Long> out = new ArrayList<>();
        try (var c = db.getConnection();
                var s = c.prepareStatement("SELECT seq FROM portal.audit_event WHERE actor = ? "
                        + "AND action = 'study.retrieve' ORDER BY seq DESC")) {
            s.setString(1, actor);
            try (var rows = s.executeQuery()) {
                while (rows.next()) {
                    out.add(rows.getLong(1));
                }
            }
        }
        return out;
    }
}
