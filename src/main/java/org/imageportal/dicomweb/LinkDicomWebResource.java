package org.imageportal.dicomweb;

import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.access.StudyCaller;
import org.imageportal.studies.access.StudyLinks;

import io.smallrye.mutiny.Uni;

/**
 * DICOMweb under a share link, for the viewer of a recipient without an account: the link's token in the path and
 * its session (given for the right access code) in a cookie scoped to the link's path. Only what the link covers
 * is found; a link that was revoked, expired or used up, a missing or foreign session, and another study all
 * answer 404 alike. Each search and retrieval is audited as the link, each release disclosed to its recipient.
 */
@Path("/s/{token}/dicomweb")
public class LinkDicomWebResource extends DicomWebEndpoints {

    @Inject
    StudyLinks links;

    @PathParam("token")
    String token;

    @CookieParam(StudyLinks.SESSION_COOKIE)
    String session;

    @Override
    protected Uni<StudyCaller> caller() {
        return links.basis(token, session).map(found -> StudyCaller.of(found.orElseThrow(ProblemException::notFound)));
    }

    @Override
    protected String path() {
        return "/s/" + token + "/dicomweb";
    }
}
