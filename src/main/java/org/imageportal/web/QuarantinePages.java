package org.imageportal.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.dicom.PatientIdentity;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.ingest.QuarantineService;
import org.imageportal.studies.ingest.QuarantineService.GroupOutcome;
import org.imageportal.studies.ingest.QuarantineService.HeldGroup;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The front desk's quarantine review, one row per group (a series' images held for the same reason with the same
 * identity): what differs, in words, both identities side by side, and the release or deletion of the whole group,
 * each only with its box ticked.
 */
@Path("/frontdesk/quarantine")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.FRONTDESK_NAME)
public class QuarantinePages {

    /** One identity attribute that differs: in the images and on record, as people read them. */
    public record Difference(String field, String inFile, String onRecord) {
    }

    /** A group as the page shows it. */
    public record GroupView(HeldGroup group, String study, List<Difference> differences) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance list(Actor actor, List<GroupView> groups, String done,
                List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    QuarantineService quarantine;

    @Inject
    Actors actors;

    @GET
    public TemplateInstance list(@QueryParam("done") String done) {
        String message = switch (done == null ? "" : done) {
            case "released" -> "The images were released to the patient.";
            case "deleted" -> "The images were deleted.";
            default -> "";
        };
        return page(message, List.of());
    }

    @POST
    @Path("/groups/release")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response release(@FormParam("series") String series, @FormParam("variant") String variant,
            @FormParam("images") String images, @FormParam("confirm") String confirm) {
        return decide(confirm, "released", "the images are the patient's on record",
                actor -> quarantine.releaseGroup(actor, ProblemException.idOrNotFound(series), variant,
                        count(images)));
    }

    @POST
    @Path("/groups/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response delete(@FormParam("series") String series, @FormParam("variant") String variant,
            @FormParam("images") String images, @FormParam("confirm") String confirm) {
        return decide(confirm, "deleted", "the images are deleted, which cannot be undone",
                actor -> quarantine.deleteGroup(actor, ProblemException.idOrNotFound(series), variant,
                        count(images)));
    }

    private Response decide(String confirm, String done, String what, Function<Actor, GroupOutcome> decision) {
        try {
            Confirmation.require(confirm, what);
            GroupOutcome outcome = decision.apply(actors.current());
            if (outcome.stoppedBecause() == null) {
                return Response.seeOther(URI.create("/frontdesk/quarantine?done=" + done)).build();
            }
            String message = outcome.done() + " of " + outcome.images() + " images were " + done
                    + "; then: " + outcome.stoppedBecause();
            return Response.status(409).entity(page("", List.of(new FrontDeskPages.FieldError("", message))))
                    .build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    private TemplateInstance page(String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        List<GroupView> groups = quarantine.groups(actor).await().indefinitely().stream()
                .map(g -> new GroupView(g, Readable.study(g.modality() == null ? List.of() : List.of(g.modality()),
                        g.studyDescription()), differences(g)))
                .toList();
        return Templates.list(actor, groups, done, errors);
    }

    /** Each differing attribute with its two values in words: "name: Ann Testpatiant / Ann Testpatient". */
    static List<Difference> differences(HeldGroup group) {
        PatientIdentity file = group.inFile();
        PatientIdentity record = group.proposed();
        List<Difference> out = new ArrayList<>();
        for (String field : group.differingFields()) {
            out.add(new Difference(Readable.field(field), value(field, file), record == null
                    ? ""
                    : value(field,
                            record)));
        }
        return out;
    }

    private static String value(String field, PatientIdentity identity) {
        String shown = switch (field) {
            case "PatientName" -> Readable.person(identity.name());
            case "PatientBirthDate" -> Readable.date(identity.birthDate());
            case "PatientSex" -> Readable.sex(identity.sex());
            case "PatientID" -> identity.patientId();
            case "IssuerOfPatientID" -> identity.issuer();
            default -> "";
        };
        return shown == null || shown.isBlank() ? "(none)" : shown;
    }

    private static int count(String images) {
        try {
            return Integer.parseInt(images == null ? "" : images.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
