package org.imageportal.web;

/**
 * What the viewer page needs: where the study's DICOMweb is under the page's authorization, which study, where to
 * go back, and the download address if downloads are allowed (else null).
 */
public record ViewerView(String dicomweb, String studyUid, String backUrl, String downloadUrl) {
}
