package org.imageportal.web;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.RecordsRequestForm;
import org.imageportal.patients.RecordsRequestKind;
import org.imageportal.patients.RecordsRequestService;
import org.imageportal.patients.RecordsRequestService.RequestView;
import org.imageportal.platform.errors.ProblemException;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * A patient's requests for copies the portal cannot hand over at once (a CD, paper, delivery to someone they name),
 * with the date each is due.
 */
@Path("/patient/requests")
@RolesAllowed(Role.PATIENT_NAME)
public class PatientRequestPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance requests(Actor actor, List<RequestView> requests, List<RecordsRequestKind> kinds,
                List<FrontDeskPages.FieldError> errors, String done);
    }

    @Inject
    RecordsRequestService requests;

    @Inject
    Validator validator;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance requests(@QueryParam("done") String done) {
        return requestsPage(List.of(), "filed".equals(done)
                ? "Your request was received. The practice will respond by the date shown."
                : "");
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response fileRequest(@FormParam("kind") String kind, @FormParam("details") String details,
            @FormParam("thirdPartyName") String thirdPartyName,
            @FormParam("thirdPartyAddress") String thirdPartyAddress) {
        RecordsRequestKind chosen = null;
        try {
            chosen = kind == null || kind.isBlank() ? null : RecordsRequestKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            // left null: reported as a missing choice
        }
        RecordsRequestForm form = new RecordsRequestForm(chosen, strip(details), blankToNull(thirdPartyName),
                blankToNull(thirdPartyAddress));
        List<FrontDeskPages.FieldError> errors = FrontDeskPages.errors(validator.validate(form));
        if (errors.isEmpty()) {
            try {
                requests.file(actors.current(), form).await().indefinitely();
                return Response.seeOther(URI.create("/patient/requests?done=filed")).build();
            } catch (ProblemException e) {
                errors = FrontDeskPages.errors(e.problem());
            }
        }
        return Response.status(400).entity(requestsPage(errors, "")).build();
    }

    private TemplateInstance requestsPage(List<FrontDeskPages.FieldError> errors, String done) {
        Actor actor = actors.current();
        return Templates.requests(actor, requests.mine(actor).await().indefinitely(),
                List.of(RecordsRequestKind.values()), errors, done);
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
