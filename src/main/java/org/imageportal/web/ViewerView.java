package org.imageportal.web;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The one viewer page, for a patient, a physician (under a grant or a break-glass opening) and a share link's
 * recipient alike: only the DICOMweb root it reads, the way back, the download and the notice differ.
 *
 * @param title the page's title
 * @param dicomweb the DICOMweb root the viewer reads, under the page's own authorization
 * @param studyUid the study shown
 * @param backUrl where "Back" leads
 * @param downloadUrl the download address if downloads are allowed, else null
 * @param signedIn whether the viewer is a signed-in person (the header then offers home and sign-out)
 * @param notice a notice shown above the viewer, or null
 */
public record ViewerView(String title, String dicomweb, String studyUid, String backUrl, String downloadUrl,
        boolean signedIn, String notice) {

    @CheckedTemplate(basePath = "")
    static class Templates {

        static native TemplateInstance viewer(ViewerView viewer);
    }

    /** A signed-in patient's or physician's study, under the viewer's DICOMweb root. */
    static ViewerView signedIn(String studyUid, String backUrl, String downloadUrl) {
        return new ViewerView("Study viewer", "/viewer/dicomweb", studyUid, backUrl, downloadUrl, true, null);
    }

    /** A study opened by break-glass: viewing only, and the physician is told the opening will be reviewed. */
    static ViewerView emergency(String studyUid, String backUrl) {
        return new ViewerView("Study viewer (emergency access)", "/viewer/dicomweb", studyUid, backUrl, null, true,
                "Emergency access: this opening is recorded and will be reviewed.");
    }

    /** A study under a share link, read through the link's own DICOMweb root. */
    static ViewerView link(String token, String studyUid, String downloadUrl) {
        return new ViewerView("Shared study", "/s/" + token + "/dicomweb", studyUid, "/s/" + token + "/study",
                downloadUrl, false, null);
    }

    /** The page. */
    TemplateInstance page() {
        return Templates.viewer(this);
    }
}
