package org.imageportal.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.deid.DeidentifiedCopyService;
import org.imageportal.dicom.DeidentificationOption;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.IssueAccessRequest;
import org.imageportal.patients.PatientService;
import org.imageportal.patients.PatientService.PatientView;
import org.imageportal.patients.PatientService.VerificationView;
import org.imageportal.patients.PortalAccessService;
import org.imageportal.patients.PortalAccessService.AccessSlip;
import org.imageportal.patients.RegistrationRequest;
import org.imageportal.patients.Relationship;
import org.imageportal.patients.VerificationMethod;
import org.imageportal.patients.VerificationRequest;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;
import org.imageportal.sharing.GrantService.GrantView;
import org.imageportal.sharing.LinkService.LinkView;
import org.imageportal.studies.StudySummary;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The front desk's patient work: find the patient (or register a walk-in before any image exists), record how their identity was verified in person, then issue
 * portal access (printing the slip), re-issue it, or reset a lost authenticator; see who the patient's studies are
 * shared with and revoke a grant or a link for them. The steps that release access are
 * refused by the services unless a verification was recorded within the window; the page says so.
 */
@Path("/frontdesk/patients")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.FRONTDESK_NAME)
public class FrontDeskPages {

    private static final VerificationRequest EMPTY = new VerificationRequest(null, null, null, null, null, null, "",
            "");

    /** A field and what is wrong with it, for the form. */
    public record FieldError(String field, String message) {
    }

    /** The access slip as printed. */
    public record Slip(String portalUrl, String username, String activationCode, String expires, String emailedTo) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance search(Actor actor, String mrn, String name, String birthDate,
                List<PatientView> found, String error);

        static native TemplateInstance patient(Actor actor, PatientView patient, List<VerificationView> verifications,
                List<VerificationMethod> methods, List<Relationship> relationships, String done,
                List<FieldError> errors, VerificationRequest draft, List<StudySummary> studies,
                List<GrantView> grants, List<LinkView> links);

        static native TemplateInstance slip(Actor actor, PatientView patient, Slip slip);

        static native TemplateInstance register(Actor actor, RegistrationRequest draft, List<FieldError> errors,
                List<PatientView> sameMrn, List<PatientView> similar);
    }

    @Inject
    PatientService patients;

    @Inject
    PortalAccessService access;

    @Inject
    Validator validator;

    @Inject
    StudyArchiveService archives;

    @Inject
    DeidentifiedCopyService deidentified;

    @Inject
    FrontDeskShares shares;

    @Inject
    Actors actors;

    @GET
    public TemplateInstance search() {
        return Templates.search(actor(), "", "", "", null, null);
    }

    /** A search (posted: what identifies a patient stays out of addresses and logs); audited by the registry. */
    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance find(@FormParam("mrn") String mrn, @FormParam("name") String name,
            @FormParam("birthDate") String birthDate) {
        Actor actor = actor();
        String m = trim(mrn);
        String n = trim(name);
        String b = trim(birthDate);
        try {
            return Templates.search(actor, m, n, b, patients.search(actor, m, n, Readable.typedDate(b)).await()
                    .indefinitely(), null);
        } catch (ProblemException e) {
            return Templates.search(actor, m, n, b, null, e.problem().detail());
        }
    }

    @GET
    @Path("/registration")
    public TemplateInstance registration() {
        return Templates.register(actor(), new RegistrationRequest("", "", "", "", "", Set.of()), List.of(),
                List.of(), List.of());
    }

    /**
     * Registers a walk-in patient. Entries under the same MRN stop it; entries born the same day with a similar name
     * are shown, and it goes on only when the desk ticks that the patient is none of them (each one it saw is sent
     * back with the form, so an entry that appears meanwhile is shown too).
     */
    @POST
    @Path("/registration")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response register(@FormParam("mrn") String mrn, @FormParam("familyName") String familyName,
            @FormParam("givenName") String givenName, @FormParam("birthDate") String birthDate,
            @FormParam("sex") String sex, @FormParam("differentFrom") List<String> differentFrom,
            @FormParam("confirm") String confirm) {
        Set<UUID> ruledOut = Confirmation.given(confirm) && differentFrom != null
                ? differentFrom.stream().limit(PatientService.SEARCH_LIMIT).map(FrontDeskPages::uuidOrNull)
                        .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.toSet())
                : Set.of();
        RegistrationRequest request = new RegistrationRequest(trim(mrn), trim(familyName), trim(givenName),
                trim(birthDate), trim(sex), ruledOut);
        List<FieldError> errors = errors(validator.validate(request));
        if (errors.isEmpty()) {
            try {
                return switch (patients.register(actor(), request).await().indefinitely()) {
                    case PatientService.Registered r -> seePatient(r.id(), "registered");
                    case PatientService.PossibleDuplicates d -> Response.status(409)
                            .entity(Templates.register(actor(), request, List.of(), d.sameMrn(), d.similar()))
                            .build();
                };
            } catch (ProblemException e) {
                errors = errors(e.problem());
            }
        }
        return Response.status(400).entity(Templates.register(actor(), request, errors, List.of(), List.of()))
                .build();
    }

    private static UUID uuidOrNull(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    @GET
    @Path("/{id}")
    public TemplateInstance patient(@PathParam("id") String id, @QueryParam("done") String done) {
        return patientPage(ProblemException.idOrNotFound(id), message(done), List.of(), EMPTY);
    }

    @POST
    @Path("/{id}/verifications")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response verify(@PathParam("id") String id, @FormParam("method") String method,
            @FormParam("documentType") String documentType, @FormParam("documentLast4") String documentLast4,
            @FormParam("representativeName") String representativeName,
            @FormParam("relationship") String relationship,
            @FormParam("authorityDocument") String authorityDocument, @FormParam("site") String site,
            @FormParam("notes") String notes) {
        UUID patient = ProblemException.idOrNotFound(id);
        VerificationRequest request = new VerificationRequest(enumOrNull(VerificationMethod.class, method),
                blankToNull(documentType), blankToNull(documentLast4), blankToNull(representativeName),
                enumOrNull(Relationship.class, relationship), blankToNull(authorityDocument), trim(site),
                trim(notes));
        List<FieldError> errors = errors(validator.validate(request));
        if (errors.isEmpty()) {
            try {
                patients.recordVerification(actor(), patient, request).await().indefinitely();
                return seePatient(patient, "verified");
            } catch (ProblemException e) {
                errors = errors(e.problem());
            }
        }
        // what was entered comes back for correction, except the document characters (re-typed from the document)
        VerificationRequest draft = new VerificationRequest(request.method(), request.documentType(), null,
                request.representativeName(), request.relationship(), request.authorityDocument(), request.site(),
                request.notes());
        return Response.status(400).entity(patientPage(patient, "", errors, draft)).build();
    }

    @POST
    @Path("/{id}/access")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response issueAccess(@PathParam("id") String id, @FormParam("email") String email) {
        UUID patient = ProblemException.idOrNotFound(id);
        IssueAccessRequest request = new IssueAccessRequest(trim(email), List.of(Role.PATIENT.realmRole()));
        List<FieldError> errors = errors(validator.validate(request));
        if (errors.isEmpty()) {
            try {
                return slipPage(patient, access.issue(actor(), patient, request));
            } catch (ProblemException e) {
                errors = errors(e.problem());
            }
        }
        return Response.status(errors.isEmpty() ? 409 : 400).entity(patientPage(patient, "", errors, EMPTY)).build();
    }

    @POST
    @Path("/{id}/reissue")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response reissue(@PathParam("id") String id) {
        UUID patient = ProblemException.idOrNotFound(id);
        try {
            return slipPage(patient, access.reissue(actor(), patient));
        } catch (ProblemException e) {
            return Response.status(e.problem().status())
                    .entity(patientPage(patient, "", errors(e.problem()), EMPTY))
                    .build();
        }
    }

    @POST
    @Path("/{id}/mfa-reset")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resetMfa(@PathParam("id") String id, @FormParam("confirm") String confirm) {
        UUID patient = ProblemException.idOrNotFound(id);
        try {
            Confirmation.require(confirm, "the authenticator is removed and the patient's sessions end");
            access.resetMfa(actor(), patient);
            return seePatient(patient, "mfa-reset");
        } catch (ProblemException e) {
            return Response.status(e.problem().status())
                    .entity(patientPage(patient, "", errors(e.problem()), EMPTY))
                    .build();
        }
    }

    private TemplateInstance patientPage(UUID id, String done, List<FieldError> errors, VerificationRequest draft) {
        Actor actor = actor();
        PatientView patient = patients.get(actor, id).await().indefinitely();
        List<VerificationView> verifications = patients.verifications(actor, id).await().indefinitely();
        return Templates.patient(actor, patient, verifications, List.of(VerificationMethod.values()),
                List.of(Relationship.values()), done, errors, draft,
                archives.listForPatient(actor, id).await().indefinitely(), shares.activeGrants(actor, id),
                shares.linksInForce(actor, id));
    }

    /**
     * Revokes a grant or a share link on the patient's studies, only with the box ticked; without it the page says
     * what would stop and nothing is revoked. The same revoke as the patient's own, audited with the desk as the
     * actor; a share of another patient's is a 404.
     */
    @POST
    @Path("/{id}/shares/{share}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revokeShare(@PathParam("id") String id, @PathParam("share") String share,
            @FormParam("confirm") String confirm) {
        UUID patient = ProblemException.idOrNotFound(id);
        UUID chosen = ProblemException.idOrNotFound(share);
        try {
            return seePatient(patient, switch (shares.revoke(actor(), patient, chosen, confirm)) {
                case GRANT -> "grant-revoked";
                case LINK -> "link-revoked";
            });
        } catch (ProblemException e) {
            if (e.problem().status() == 404) {
                throw e;
            }
            return Response.status(e.problem().status())
                    .entity(patientPage(patient, "", errors(e.problem()), EMPTY)).build();
        }
    }

    private Response slipPage(UUID id, AccessSlip slip) {
        Actor actor = actor();
        PatientView patient = patients.get(actor, id).await().indefinitely();
        Slip printed = new Slip(slip.portalUrl(), slip.username(), slip.activationCode(),
                Words.time(slip.expiresAt()), slip.emailedTo());
        return Response.ok(Templates.slip(actor, patient, printed)).header("Cache-Control", "no-store").build();
    }

    private static Response seePatient(UUID id, String done) {
        return Response.seeOther(URI.create("/frontdesk/patients/" + id + "?done=" + done)).build();
    }

    /**
     * A de-identified copy of one of the patient's studies for a project (research, teaching): the portal's default
     * profile (PS3.15 E.1, dates shifted per project), every instance it cannot clean left out and listed.
     */
    @POST
    @Path("/{id}/studies/{study}/deidentified")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response deidentify(@PathParam("id") String id, @PathParam("study") String study,
            @FormParam("project") String project) {
        UUID patient = ProblemException.idOrNotFound(id);
        try {
            DeidentifiedCopyService.Copy copy = deidentified.copy(actor(), new DeidentifiedCopyService.Request(
                    ProblemException.idOrNotFound(study), project,
                    java.util.EnumSet.of(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES), List.of()));
            String done = "The de-identified copy for " + project.strip() + " holds " + copy.instances()
                    + (copy.instances() == 1 ? " image" : " images")
                    + (copy.excluded().isEmpty()
                            ? "."
                            : "; " + copy.excluded().size() + " left out (they could "
                                    + "not be cleaned: burnt-in text, an unknown type or a damaged file).");
            return Response.ok(patientPage(patient, done, List.of(), EMPTY)).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status())
                    .entity(patientPage(patient, "", errors(e.problem()), EMPTY)).build();
        }
    }

    private static String message(String done) {
        return Map.of("registered", "The patient was registered. Verify their identity before issuing access; "
                + "an outside CD can be uploaded for them now.", "verified", "The verification was recorded.",
                "mfa-reset",
                "The authenticator was removed and the patient's sessions ended. At the next sign-in they set up a new one.",
                "grant-revoked", "The grant was revoked. The physician can no longer open the study.", "link-revoked",
                "The share link was revoked. It no longer opens anything, not even where it is open already.")
                .getOrDefault(done == null ? "" : done, "");
    }

    /** A problem's violations (or its detail) as the errors a form shows. */
    static List<FieldError> errors(Problem problem) {
        if (problem.violations() != null && !problem.violations().isEmpty()) {
            return problem.violations().stream().map(v -> new FieldError(v.field(), v.message())).toList();
        }
        return List.of(new FieldError("", problem.detail()));
    }

    /** Bean-validation failures as the errors a form shows, by field. */
    static List<FieldError> errors(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(v -> new FieldError(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field)).toList();
    }

    private static <E extends Enum<E>> E enumOrNull(Class<E> type, String value) {
        try {
            return value == null || value.isBlank() ? null : Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String trim(String value) {
        return value == null ? "" : value.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private Actor actor() {
        return actors.current();
    }
}
