package org.imageportal.deid;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.dicom.DeidentificationOption;
import org.imageportal.dicom.Deidentifier;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;

/** De-identified copies of studies for teaching and research, shared afterwards through links. */
@Path("/api/deid/copies")
@Produces(MediaType.APPLICATION_JSON)
public class DeidentifiedCopyResource {

    /** What to copy: the study, the project (it keys the pseudonyms), the Annex E options, rectangles to black out. */
    public record CopyForm(@NotNull(message = "name the study") UUID studyId,
            @NotNull(message = "name the project") @Size(max = 100) String project,
            Set<DeidentificationOption> options, @Size(max = 20) List<Deidentifier.Rectangle> blackout) {
    }

    @Inject
    DeidentifiedCopyService copies;

    @Inject
    Actors actors;

    @POST
    @RolesAllowed(Role.FRONTDESK_NAME)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make a de-identified copy of a study (PS3.15 Annex E with the chosen options); answers the "
            + "copy's study and registry ids and the instances left out for burned-in text, with why")
    public Response copy(@NotNull(message = "the request is missing") @Valid CopyForm form) {
        DeidentifiedCopyService.Copy copy = copies.copy(actors.current(), new DeidentifiedCopyService.Request(
                form.studyId(), form.project(), form.options() == null ? Set.of() : form.options(),
                form.blackout() == null ? List.of() : form.blackout()));
        return Response.status(Response.Status.CREATED).entity(copy).build();
    }
}
