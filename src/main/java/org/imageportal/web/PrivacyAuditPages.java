package org.imageportal.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.audit.AuditChainService;
import org.imageportal.audit.AuditChainService.Verification;
import org.imageportal.audit.AuditSearchService;
import org.imageportal.audit.AuditSearchService.Criteria;
import org.imageportal.audit.AuditSearchService.Found;
import org.imageportal.disclosures.AccountingService;
import org.imageportal.disclosures.DisclosuresConfig;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The privacy officer's view of the audit trail: search by patient (MRN), user, dates and action, and the chain's
 * verification on demand (every search and verification is itself audited).
 */
@Path("/privacy/audit")
@RolesAllowed(Role.PRIVACY_OFFICER_NAME)
public class PrivacyAuditPages {

    /** The search form as submitted, shown back. */
    public record Query(String mrn, String user, String from, String to, String action) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance audit(Actor actor, Query query, List<Found> entries, boolean searched,
                Verification verification, List<FrontDeskPages.FieldError> errors);
    }

    @Inject
    AuditSearchService search;

    @Inject
    AuditChainService chain;

    @Inject
    AccountingService accounting;

    @Inject
    DisclosuresConfig config;

    @Inject
    Actors actors;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response audit(@QueryParam("mrn") String mrn, @QueryParam("user") String user,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("action") String action) {
        Actor actor = actors.current();
        Query query = new Query(nz(mrn), nz(user), nz(from), nz(to), nz(action));
        boolean searched = !(query.mrn() + query.user() + query.from() + query.to() + query.action()).isBlank();
        if (!searched) {
            return Response.ok(Templates.audit(actor, query, List.of(), false, null, List.of())).build();
        }
        try {
            ZoneId zone = config.timeZone();
            UUID patient = query.mrn().isBlank()
                    ? null
                    : accounting.patientByMrn(actor, query.mrn()).await().indefinitely();
            LocalDate fromDay = PatientAccountingPages.date(query.from(), "from");
            LocalDate toDay = PatientAccountingPages.date(query.to(), "to");
            Instant start = fromDay == null ? null : fromDay.atStartOfDay(zone).toInstant();
            Instant end = toDay == null ? null : toDay.plusDays(1).atStartOfDay(zone).toInstant();
            List<Found> found = search.search(actor.subject(), new Criteria(patient, blank(query.user()), start, end,
                    blank(query.action()), 500)).await().indefinitely();
            return Response.ok(Templates.audit(actor, query, found, true, null, List.of())).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(Templates.audit(actor, query, List.of(), false, null,
                    FrontDeskPages.errors(e.problem()))).build();
        }
    }

    @POST
    @Path("/verification")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance verify() {
        Actor actor = actors.current();
        Verification v = chain.verify(actor.subject()).await().indefinitely();
        return Templates.audit(actor, new Query("", "", "", "", ""), List.of(), false, v, List.of());
    }

    private static String nz(String value) {
        return value == null ? "" : value.strip();
    }

    private static String blank(String value) {
        return value.isBlank() ? null : value;
    }
}
