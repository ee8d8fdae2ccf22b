package org.imageportal.web;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
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

import org.imageportal.disclosures.AccountingRequestForm;
import org.imageportal.disclosures.AccountingService;
import org.imageportal.disclosures.AccountingService.RequestView;
import org.imageportal.disclosures.DisclosuresConfig;
import org.imageportal.disclosures.ReportResponses;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * A patient asks who their images were disclosed to: an accounting of disclosures (and the full access report),
 * delivered by the privacy officer within 60 days and read here as a page, PDF or CSV.
 */
@Path("/patient/accounting")
@RolesAllowed(Role.PATIENT_NAME)
public class PatientAccountingPages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance accounting(Actor actor, List<RequestView> requests,
                List<FrontDeskPages.FieldError> errors, String done);
    }

    @Inject
    AccountingService accounting;

    @Inject
    DisclosuresConfig config;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance accounting(@QueryParam("done") String done) {
        return page(List.of(), "requested".equals(done)
                ? "Your request was received. The practice will deliver your accounting by the date shown."
                : "");
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response request(@FormParam("from") String from, @FormParam("to") String to) {
        try {
            accounting.request(actors.current(), new AccountingRequestForm(date(from, "from"), date(to, "to")))
                    .await().indefinitely();
            return Response.seeOther(URI.create("/patient/accounting?done=requested")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page(FrontDeskPages.errors(e.problem()), ""))
                    .type(MediaType.TEXT_HTML_TYPE).build();
        }
    }

    @GET
    @Path("/{id}/{report: accounting|access}")
    @Produces({MediaType.TEXT_HTML, "application/pdf", "text/csv"})
    public Response report(@PathParam("id") String id, @PathParam("report") String report,
            @QueryParam("format") @DefaultValue("html") String format) {
        ReportResponses.checkFormat(format);
        return ReportResponses.render(accounting.report(actors.current(), ProblemException.idOrNotFound(id),
                ReportResponses.kind(report)).await().indefinitely(), format, config.timeZone());
    }

    private TemplateInstance page(List<FrontDeskPages.FieldError> errors, String done) {
        Actor actor = actors.current();
        return Templates.accounting(actor, accounting.mine(actor).await().indefinitely(), errors, done);
    }

    static LocalDate date(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("not a date", field, "give the date as YYYY-MM-DD");
        }
    }
}
