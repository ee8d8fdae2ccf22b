package org.imageportal.web;

import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.security.Cookies;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/** The pages everyone sees: the front door, the home page after sign-in, each role's workspace, sign-out. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class HomePages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance index();

        static native TemplateInstance home(Actor actor, List<Capabilities.Workspace> workspaces);

        static native TemplateInstance workspace(Actor actor, Capabilities.Workspace workspace);

        static native TemplateInstance signedOut(String reason);

        static native TemplateInstance signinProblem();
    }

    @Inject
    SecurityIdentity identity;

    @Inject
    Actors actors;

    @Inject
    RoutingContext context;

    @GET
    @PermitAll
    public TemplateInstance index() {
        return Templates.index();
    }

    @GET
    @Path("home")
    @Authenticated
    public TemplateInstance home() {
        Actor actor = actor();
        return Templates.home(actor, Capabilities.forRoles(actor.roles()));
    }

    @GET
    @Path("patient")
    @RolesAllowed(Role.PATIENT_NAME)
    public TemplateInstance patient() {
        return workspace(Role.PATIENT);
    }

    @GET
    @Path("provider")
    @RolesAllowed(Role.PROVIDER_NAME)
    public TemplateInstance provider() {
        return workspace(Role.PROVIDER);
    }

    @GET
    @Path("frontdesk")
    @RolesAllowed(Role.FRONTDESK_NAME)
    public TemplateInstance frontdesk() {
        return workspace(Role.FRONTDESK);
    }

    @GET
    @Path("privacy")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    public TemplateInstance privacy() {
        return workspace(Role.PRIVACY_OFFICER);
    }

    @GET
    @Path("signed-out")
    @PermitAll
    public TemplateInstance signedOut() {
        String reason = Cookies.value(context, "portal_signout");
        if (reason != null) {
            Cookies.clear(context, "portal_signout");
        }
        return Templates.signedOut(reason == null ? "" : reason);
    }

    @GET
    @Path("signin-problem")
    @PermitAll
    public TemplateInstance signinProblem() {
        return Templates.signinProblem();
    }

    private TemplateInstance workspace(Role role) {
        return Templates.workspace(actor(), Capabilities.of(role));
    }

    private Actor actor() {
        return actors.require(identity);
    }
}
