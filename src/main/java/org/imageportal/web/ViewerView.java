package org.imageportal.web;

import java.util.List;

import org.imageportal.reports.StudyReportService.ReportEntry;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The one viewer page, for a patient, a physician (under a grant or a break-glass opening) and a share link's
 * recipient alike: only the DICOMweb root it reads, the way home and out, the way back, the download, the reports'
 * addresses and the notice differ.
 *
 * @param title the page's title
 * @param dicomweb the DICOMweb root the viewer reads, under the page's own authorization
 * @param studyUid the study shown
 * @param backUrl where "Back" leads
 * @param downloadUrl the download address if downloads are allowed, else null
 * @param homeUrl where the header's "Home" leads
 * @param signOutUrl where the header's "Sign out" form posts to
 * @param notice a notice shown above the viewer, or null
 * @param reports the study's reports as far as the viewer's caller reaches: listed as reports, never drawn
 */
public record ViewerView(String title, String dicomweb, String studyUid, String backUrl, String downloadUrl,
        String homeUrl, String signOutUrl, String notice, List<Report> reports) {

    /**
     * A report of the study as the viewer lists it, in the place of its series.
     *
     * @param seriesUid the series that holds it (the viewer does not draw that series)
     * @param title "Report: " and what it is
     * @param url its page for this caller, or null where they have none (then only the title is shown)
     */
    public record Report(String seriesUid, String title, String url) {
    }

    @CheckedTemplate(basePath = "")
    static class Templates {

        static native TemplateInstance viewer(ViewerView viewer);
    }

    /** A signed-in patient's or physician's study; each report under {@code reportsUrl} and its number. */
    static ViewerView signedIn(String studyUid, String backUrl, String downloadUrl, List<ReportEntry> reports,
            String reportsUrl) {
        return new ViewerView("Study viewer", "/viewer/dicomweb", studyUid, backUrl, downloadUrl, "/home", "/signout",
                null, shown(reports, reportsUrl));
    }

    /**
     * A study opened by break-glass: viewing only, and the physician is told the opening will be reviewed. Reports
     * have no page under an opening: the viewer names them without a link.
     */
    static ViewerView emergency(String studyUid, String backUrl) {
        return new ViewerView("Study viewer (emergency access)", "/viewer/dicomweb", studyUid, backUrl, null, "/home",
                "/signout", "Emergency access: this opening is recorded and will be reviewed.", List.of());
    }

    /**
     * A study under a share link, read through the link's own DICOMweb root; home is the link's own page, signing
     * out ends the link's session, and reports open under the link.
     */
    static ViewerView link(String token, String studyUid, String downloadUrl, List<ReportEntry> reports) {
        String root = "/s/" + token;
        return new ViewerView("Shared study", root + "/dicomweb", studyUid, root + "/study", downloadUrl,
                root + "/study", root + "/signout", null, shown(reports, root + "/reports/"));
    }

    private static List<Report> shown(List<ReportEntry> reports, String reportsUrl) {
        return reports.stream().map(r -> new Report(r.seriesUid(), r.title(),
                reportsUrl == null ? null : reportsUrl + r.number())).toList();
    }

    /** The page. */
    TemplateInstance page() {
        return Templates.viewer(this);
    }
}
