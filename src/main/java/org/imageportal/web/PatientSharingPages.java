package org.imageportal.web;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
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
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Notification;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;
import org.imageportal.sharing.GrantRequest;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.GrantService.GrantView;
import org.imageportal.sharing.GrantService.Physician;
import org.imageportal.sharing.LinkRequest;
import org.imageportal.sharing.LinkService;
import org.imageportal.sharing.LinkService.IssuedLink;
import org.imageportal.sharing.LinkService.LinkView;
import org.imageportal.sharing.Purpose;
import org.imageportal.studies.StudySummary;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The patient's sharing dashboard: every grant on their studies (physician, study, purpose, until when, how often
 * opened and when last), revoking once the patient has confirmed it, and sharing a study with a physician found
 * by name.
 */
@Path("/patient/sharing")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.PATIENT_NAME)
public class PatientSharingPages {

    /** A study the patient can choose to share. */
    public record StudyChoice(String id, String label) {

        static StudyChoice of(StudySummary s) {
            return new StudyChoice(s.id().toString(), Readable.date(s.studyDate()) + ", "
                    + Readable.study(s.modalities(), s.description()));
        }
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance sharing(Actor actor, List<GrantView> grants, List<LinkView> links,
                List<Notification> notifications, List<StudyChoice> studies, String q, List<Physician> physicians,
                List<Purpose> purposes, String done, List<FrontDeskPages.FieldError> errors);

        static native TemplateInstance linkIssued(IssuedLink link, String recipientName, String expires);
    }

    @Inject
    GrantService grants;

    @Inject
    LinkService links;

    @Inject
    NotificationService notifications;

    @Inject
    PatientService patients;

    @Inject
    StudyArchiveService studies;

    @Inject
    Actors actors;

    @GET
    public TemplateInstance dashboard(@QueryParam("q") String q, @QueryParam("done") String done) {
        String message = Map.of("shared", "The study is shared. The physician sees it under \"Shared with me\".",
                "revoked", "Access was taken back. The physician can no longer open the study.",
                "link-revoked", "The link was revoked. It no longer opens anything, not even in a browser that "
                        + "already has it open.")
                .getOrDefault(done == null ? "" : done, "");
        try {
            return page(q, message, List.of());
        } catch (ProblemException e) {
            return page(null, "", FrontDeskPages.errors(e.problem()));
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response share(@FormParam("studyId") String studyId, @FormParam("providerId") String providerId,
            @FormParam("purpose") String purpose, @FormParam("purposeText") String purposeText,
            @FormParam("download") String download, @FormParam("days") String days) {
        return form(() -> {
            Purpose chosen = purpose == null || purpose.isBlank() ? null : Purpose.valueOf(purpose);
            if (chosen == null || studyId == null || studyId.isBlank() || providerId == null
                    || providerId.isBlank()) {
                return Response.status(400).entity(page(null, "", List.of(new FrontDeskPages.FieldError("",
                        "choose the study, the physician and the purpose")))).build();
            }
            int d = days == null || days.isBlank() ? 30 : Integer.parseInt(days.strip());
            GrantRequest request = new GrantRequest(studyId, providerId, "on".equals(download), chosen,
                    purposeText == null || purposeText.isBlank() ? null : purposeText.strip(),
                    Instant.now().plus(Duration.ofDays(d)), null, null, null);
            grants.create(actors.current(), request).await().indefinitely();
            return Response.seeOther(URI.create("/patient/sharing?done=shared")).build();
        });
    }

    /**
     * A form's outcome, or the dashboard again with what was wrong: whole numbers where numbers are asked for, a
     * purpose from the list, and the service's own validation.
     */
    private Response form(Supplier<Response> action) {
        try {
            return action.get();
        } catch (NumberFormatException e) {
            return Response.status(400).entity(page(null, "", List.of(new FrontDeskPages.FieldError("days",
                    "give whole numbers (days, openings)")))).build();
        } catch (IllegalArgumentException e) {
            return Response.status(400).entity(page(null, "", List.of(new FrontDeskPages.FieldError("purpose",
                    "choose a purpose from the list")))).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page(null, "", FrontDeskPages.errors(e.problem())))
                    .build();
        }
    }

    /**
     * Takes a grant back, only with its confirmation ticked ({@code confirm=yes}): revoking cannot be undone, so a
     * post without it revokes nothing and shows the dashboard again, saying what the revoke would stop.
     */
    @POST
    @Path("/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("id") String id, @FormParam("confirm") String confirm) {
        UUID grant = ProblemException.idOrNotFound(id);
        Actor actor = actors.current();
        if (!Confirmation.given(confirm)) {
            GrantView g = grants.mine(actor).await().indefinitely().stream().filter(v -> v.id().equals(grant))
                    .findFirst().orElseThrow(ProblemException::notFound);
            return unconfirmed(g.providerName() + " can no longer open "
                    + Readable.study(g.modalities(), g.studyDescription()) + " of " + Readable.date(g.studyDate()));
        }
        grants.revoke(actor, grant).await().indefinitely();
        return Response.seeOther(URI.create("/patient/sharing?done=revoked")).build();
    }

    /** The dashboard again, saying what the revoke would stop; nothing was revoked. */
    private Response unconfirmed(String what) {
        ProblemException refused = Confirmation.missing(what + ". This cannot be undone");
        return Response.status(refused.problem().status())
                .entity(page(null, "", FrontDeskPages.errors(refused.problem()))).build();
    }

    /**
     * A share link for someone without an account: the link and its access code are shown once, on a page of their
     * own (never cached), to be given to the recipient by separate ways.
     */
    @POST
    @Path("/links")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response issueLink(@FormParam("studyId") String studyId, @FormParam("recipientName") String recipientName,
            @FormParam("purpose") String purpose, @FormParam("purposeText") String purposeText,
            @FormParam("download") String download, @FormParam("days") String days,
            @FormParam("maxOpens") String maxOpens) {
        return form(() -> {
            LinkRequest request = LinkForm.request(studyId, recipientName, purpose, purposeText, download, days,
                    maxOpens, null, null);
            IssuedLink issued = links.issue(actors.current(), request).await().indefinitely();
            return Response.ok(Templates.linkIssued(issued, request.recipientName(),
                    Words.time(issued.expiresAt()))).build();
        });
    }

    /** Revokes a share link, as a grant: only with its confirmation ticked, else nothing happens. */
    @POST
    @Path("/links/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revokeLink(@PathParam("id") String id, @FormParam("confirm") String confirm) {
        UUID link = ProblemException.idOrNotFound(id);
        Actor actor = actors.current();
        if (!Confirmation.given(confirm)) {
            LinkView l = links.mine(actor).await().indefinitely().stream().filter(v -> v.id().equals(link))
                    .findFirst().orElseThrow(ProblemException::notFound);
            return unconfirmed("the link for " + l.recipientName() + " no longer opens " + l.studyDescription()
                    + " of " + Readable.date(l.studyDate()) + ", not even where it is open already");
        }
        links.revoke(actor, link).await().indefinitely();
        return Response.seeOther(URI.create("/patient/sharing?done=link-revoked")).build();
    }

    private TemplateInstance page(String q, String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        List<StudyChoice> choices = studies.list(actor).await().indefinitely().stream().map(StudyChoice::of).toList();
        List<Physician> physicians = q == null || q.isBlank()
                ? List.of()
                : grants.directory(q).await().indefinitely();
        List<Notification> recent = patients.patientOfAccount(actor.subject())
                .chain(p -> p.isEmpty()
                        ? Uni.createFrom().item(List.<Notification>of())
                        : notifications.recent(p.get(), 20))
                .await().indefinitely();
        return Templates.sharing(actor, grants.mine(actor).await().indefinitely(),
                links.mine(actor).await().indefinitely(), recent, choices, q == null ? "" : q, physicians,
                List.of(Purpose.values()), done, errors);
    }
}
