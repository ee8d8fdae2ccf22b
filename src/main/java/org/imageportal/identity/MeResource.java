package org.imageportal.identity;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;

/** Who the caller is, as the portal sees it: lets a client check its token and roles. */
@Path("/api/me")
@Authenticated
public class MeResource {

    /** The caller, without anything a client does not need. */
    public record MeView(String username, String displayName, List<String> roles, boolean mfa, boolean machine) {
    }

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The signed-in caller: name, roles, whether MFA was used")
    public MeView me() {
        Actor actor = actors.current();
        return new MeView(actor.username(), actor.displayName(),
                actor.roles().stream().map(Role::realmRole).sorted().toList(), actor.mfa(), actor.machine());
    }
}
