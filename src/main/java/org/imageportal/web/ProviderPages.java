package org.imageportal.web;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;
import org.imageportal.providers.InviteProviderRequest;
import org.imageportal.providers.ProviderService;
import org.imageportal.providers.ProviderService.Invitation;
import org.imageportal.providers.ProviderService.ProviderView;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** An administrator or the privacy officer invites referring physicians and sees who has been invited. */
@Path("/admin/providers")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Role.ADMIN_NAME, Role.PRIVACY_OFFICER_NAME})
public class ProviderPages {

    private static final InviteProviderRequest EMPTY = new InviteProviderRequest("", "", "", "", "");

    /** The invitation as handed over (printed or read out to the physician's office). */
    public record Slip(String name, String portalUrl, String username, String activationCode, String expires,
            String emailedTo) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance providers(Actor actor, List<ProviderView> providers,
                List<FrontDeskPages.FieldError> errors, InviteProviderRequest draft);

        static native TemplateInstance invitation(Actor actor, Slip slip);
    }

    @Inject
    ProviderService providers;

    @Inject
    Validator validator;

    @Inject
    Actors actors;

    @GET
    public TemplateInstance list() {
        return page(List.of(), EMPTY);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response invite(@FormParam("givenName") String givenName, @FormParam("familyName") String familyName,
            @FormParam("npi") String npi, @FormParam("organisation") String organisation,
            @FormParam("email") String email) {
        InviteProviderRequest request = new InviteProviderRequest(trim(givenName), trim(familyName), trim(npi),
                trim(organisation), trim(email));
        List<FrontDeskPages.FieldError> errors = FrontDeskPages.errors(validator.validate(request));
        if (errors.isEmpty()) {
            try {
                Invitation invitation = providers.invite(actors.current(), request);
                Slip slip = new Slip(request.givenName() + " " + request.familyName(), invitation.portalUrl(),
                        invitation.username(), invitation.activationCode(), Words.time(invitation.expiresAt()),
                        invitation.emailedTo());
                return Response.ok(Templates.invitation(actors.current(), slip))
                        .header("Cache-Control", "no-store").build();
            } catch (ProblemException e) {
                errors = FrontDeskPages.errors(e.problem());
            }
        }
        return Response.status(400).entity(page(errors, request)).build();
    }

    private TemplateInstance page(List<FrontDeskPages.FieldError> errors, InviteProviderRequest draft) {
        Actor actor = actors.current();
        return Templates.providers(actor, providers.list(actor).await().indefinitely(), errors, draft);
    }

    private static String trim(String value) {
        return value == null ? "" : value.strip();
    }
}
