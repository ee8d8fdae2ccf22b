package org.imageportal.studies.access;

/** What someone wants to do with studies; the access policy decides per action. */
public enum StudyAction {
    /** Search the index (QIDO-RS, lists). */
    QUERY,
    /** Read images or metadata (WADO-RS, downloads, viewer). */
    RETRIEVE,
    /**
     * Take a copy away (the ZIP archive): what {@link #RETRIEVE} reaches, narrowed to grants and links that allow
     * downloads; never under break-glass.
     */
    DOWNLOAD,
    /** Add instances (STOW-RS, uploads). */
    STORE,
    /** See, release or delete instances held in quarantine. */
    REVIEW_QUARANTINE,
    /** Delete a whole study and destroy its data key (records management, not clinical work). */
    DELETE,
    /** Make a de-identified copy of a study (for research or teaching). */
    DEIDENTIFY,
    /** Share a study with a physician (a grant) or anyone holding a link and its code. */
    SHARE,
    /** End a grant or a link before it expires. */
    REVOKE_SHARE,
    /**
     * Find a patient's studies to open one in an emergency, outside any share (break-glass): the permission only;
     * the opening then gives viewing for its window.
     */
    EMERGENCY_SEARCH
}
