package org.imageportal.web;

import org.imageportal.platform.errors.ProblemException;

/**
 * The one way the pages confirm what cannot be undone (delete, release, deliver, revoke, purge, a registration
 * despite similar entries): a required checkbox {@code confirm=yes} beside the button, saying what will happen. The
 * browser asks for it without script, and the portal checks it again, so a post without it does nothing.
 */
final class Confirmation {

    private Confirmation() {
    }

    static boolean given(String value) {
        return "yes".equals(value);
    }

    /** Fails with a validation problem on the {@code confirm} field unless the box was ticked. */
    static void require(String value, String what) {
        if (!given(value)) {
            throw missing(what);
        }
    }

    /** The validation problem of a confirmation not given, for a page that renders it rather than throws it. */
    static ProblemException missing(String what) {
        return ProblemException.invalid("confirm first", "confirm", "tick the box to confirm: " + what);
    }
}
