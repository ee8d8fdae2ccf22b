package org.imageportal.web;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.disclosures.AccountingService;
import org.imageportal.disclosures.AccountingService.RequestView;
import org.imageportal.disclosures.DisclosuresConfig;
import org.imageportal.disclosures.Exemption;
import org.imageportal.disclosures.ManualDisclosure;
import org.imageportal.disclosures.ReportResponses;
import org.imageportal.disclosures.Suspension;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The privacy officer's accounting desk: open accounting requests with their due dates (extend once, deliver, read
 * the reports), disclosures made outside the portal and suspensions of the right, recorded by MRN.
 */
@Path("/privacy/accounting")
@RolesAllowed(Role.PRIVACY_OFFICER_NAME)
public class PrivacyAccountingPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance desk(Actor actor, List<RequestView> requests, List<Exemption> exemptions,
                String done, List<FrontDeskPages.FieldError> errors);
    }

    private static final Map<String, String> DONE = Map.of("extended",
            "The due date was extended by 30 days; the patient sees the reason.", "delivered",
            "The accounting was delivered: the patient can read it in the portal now.", "recorded",
            "The disclosure was recorded.", "suspended", "The suspension was recorded.");

    @Inject
    AccountingService accounting;

    @Inject
    DisclosuresConfig config;

    @Inject
    Validator validator;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance desk(@QueryParam("done") String done) {
        return page(DONE.getOrDefault(done == null ? "" : done, ""), List.of());
    }

    @POST
    @Path("/{id}/extension")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response extend(@PathParam("id") String id, @FormParam("reason") String reason) {
        return act("extended", () -> accounting.extend(actors.current(), ProblemException.idOrNotFound(id),
                reason).await().indefinitely());
    }

    @POST
    @Path("/{id}/delivery")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response deliver(@PathParam("id") String id, @FormParam("confirm") String confirm) {
        return act("delivered", () -> {
            Confirmation.require(confirm, "the accounting is delivered to the patient, which cannot be taken back");
            accounting.deliver(actors.current(), ProblemException.idOrNotFound(id)).await().indefinitely();
        });
    }

    @GET
    @Path("/{id}/{report: accounting|access}")
    @Produces({MediaType.TEXT_HTML, "application/pdf", "text/csv", MediaType.APPLICATION_JSON})
    public Response report(@PathParam("id") String id, @PathParam("report") String report,
            @QueryParam("format") @DefaultValue("html") String format) {
        ReportResponses.checkFormat(format);
        return ReportResponses.render(accounting.report(actors.current(), ProblemException.idOrNotFound(id),
                ReportResponses.kind(report)).await().indefinitely(), format, config.timeZone());
    }

    @POST
    @Path("/disclosures")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response recordDisclosure(@FormParam("mrn") String mrn, @FormParam("disclosedOn") String disclosedOn,
            @FormParam("recipientName") String recipientName, @FormParam("recipientAddress") String recipientAddress,
            @FormParam("description") String description, @FormParam("purpose") String purpose,
            @FormParam("exemption") String exemption) {
        return act("recorded", () -> {
            ManualDisclosure d = new ManualDisclosure(PatientAccountingPages.date(disclosedOn, "disclosedOn"),
                    recipientName,
                    recipientAddress, description, purpose, exemption(exemption), null, null);
            check(validator.validate(d));
            Actor actor = actors.current();
            accounting.recordManual(actor, accounting.patientByMrn(actor, mrn).await().indefinitely(), d).await()
                    .indefinitely();
        });
    }

    @POST
    @Path("/suspensions")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response suspend(@FormParam("mrn") String mrn, @FormParam("agency") String agency,
            @FormParam("requestedBy") String requestedBy, @FormParam("written") String written,
            @FormParam("statement") String statement, @FormParam("until") String until) {
        return act("suspended", () -> {
            Suspension s = new Suspension(agency, requestedBy, "on".equals(written), statement,
                    PatientAccountingPages.date(until, "until"));
            check(validator.validate(s));
            Actor actor = actors.current();
            accounting.suspend(actor, accounting.patientByMrn(actor, mrn).await().indefinitely(), s).await()
                    .indefinitely();
        });
    }

    private Response act(String done, Runnable action) {
        try {
            action.run();
            return Response.seeOther(URI.create("/privacy/accounting?done=" + done)).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", FrontDeskPages.errors(e.problem())))
                    .type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    private TemplateInstance page(String done, List<FrontDeskPages.FieldError> errors) {
        Actor actor = actors.current();
        return Templates.desk(actor, accounting.open(actor).await().indefinitely(), Arrays.asList(Exemption.values()),
                done, errors);
    }

    private static Exemption exemption(String value) {
        if (value == null || value.isBlank() || "ACCOUNTABLE".equals(value)) {
            return null;
        }
        try {
            return Exemption.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("unknown category", "exemption", "choose a category from the list");
        }
    }

    private static <T> void check(Set<ConstraintViolation<T>> violations) {
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.VALIDATION, "some fields need attention")
                    .withViolations(violations.stream().map(v -> new Problem.Violation(v.getPropertyPath().toString(),
                            v.getMessage())).toList()));
        }
    }
}
