package org.imageportal.platform.security;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A form that exists only in tests, to exercise the CSRF rule every page form is under. */
@Path("/test-only/form")
@PermitAll
public class CsrfProbeForm {

    @Inject
    CsrfTokens csrf;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String form() {
        return "<form method=\"post\">" + csrf.field() + "<input name=\"note\"></form>";
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public String submit(@FormParam("note") String note) {
        return "accepted " + note;
    }
}
