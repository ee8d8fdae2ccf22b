package org.imageportal.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.audit.AuditChainService;
import org.imageportal.audit.AuditChainService.Verification;
import org.imageportal.audit.AuditExports;
import org.imageportal.audit.AuditSearchService;
import org.imageportal.audit.AuditSearchService.Criteria;
import org.imageportal.audit.AuditSearchService.Found;
import org.imageportal.disclosures.AccountingService;
import org.imageportal.disclosures.DisclosuresConfig;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The privacy officer's view of the audit trail: search by patient (MRN), a user's name or role, account id, dates
 * and action; each entry with its actor by name and its action and details in words; the chain's verification on
 * demand and the standard exports (every search and verification is itself audited).
 */
@Path("/privacy/audit")
@RolesAllowed(Role.PRIVACY_OFFICER_NAME)
public class PrivacyAuditPages {

    /** The search form as submitted, shown back. */
    public record Query(String mrn, String person, String role, String user, String from, String to, String action) {
    }

    /** An entry as the privacy officer reads it: who by name, the action and details in words. */
    public record EntryView(long seq, String at, AuditPeople.Person actor, String action, String actionCode,
            String outcome, String outcomeCode, String about, List<AuditWords.Detail> details) {
    }

    /** A role to search by, as the form offers it. */
    public record RoleChoice(String value, String label) {
    }

    static final List<RoleChoice> ROLES = List.of(new RoleChoice(Role.PATIENT.realmRole(), "Patient"),
            new RoleChoice(Role.PROVIDER.realmRole(), "Referring physician"),
            new RoleChoice(Role.FRONTDESK.realmRole(), "Front desk"),
            new RoleChoice(Role.PRIVACY_OFFICER.realmRole(), "Privacy officer"),
            new RoleChoice(Role.ADMIN.realmRole(), "Administrator"),
            new RoleChoice(Role.BREAK_GLASS.realmRole(), "Break-glass permission"),
            new RoleChoice(Role.INGEST.realmRole(), "Machine client (ingest)"));

    private static final Query EMPTY = new Query("", "", "", "", "", "", "");

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance audit(Actor actor, Query query, List<RoleChoice> roles, List<EntryView> entries,
                boolean searched, long exportAfter, Verification verification,
                List<FrontDeskPages.FieldError> errors);
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

    @Inject
    AuditPeople people;

    @Inject
    AuditExports exports;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response audit(@QueryParam("mrn") String mrn, @QueryParam("person") String person,
            @QueryParam("role") String role, @QueryParam("user") String user, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("action") String action) {
        Actor actor = actors.current();
        Query query = new Query(nz(mrn), nz(person), nz(role), nz(user), nz(from), nz(to), nz(action));
        boolean searched = !String.join("", query.mrn(), query.person(), query.role(), query.user(), query.from(),
                query.to(), query.action()).isBlank();
        if (!searched) {
            return Response.ok(Templates.audit(actor, query, ROLES, List.of(), false, 0, null, List.of())).build();
        }
        try {
            ZoneId zone = config.timeZone();
            Role byRole = query.role().isBlank()
                    ? null
                    : Role.fromRealmRole(query.role()).orElseThrow(() -> ProblemException.invalid("unknown role",
                            "role", "choose one of the roles offered"));
            if (!query.person().isBlank() && AuditPeople.words(query.person()).isEmpty()) {
                throw ProblemException.invalid("no name given", "person", "type a part of the person's name");
            }
            UUID patient = query.mrn().isBlank()
                    ? null
                    : accounting.patientByMrn(actor, query.mrn()).await().indefinitely();
            LocalDate fromDay = PatientAccountingPages.date(query.from(), "from");
            LocalDate toDay = PatientAccountingPages.date(query.to(), "to");
            Instant start = fromDay == null ? null : fromDay.atStartOfDay(zone).toInstant();
            Instant end = toDay == null ? null : toDay.plusDays(1).atStartOfDay(zone).toInstant();
            Criteria criteria = new Criteria(patient, blank(query.user()), start, end, blank(query.action()), 500);
            if (!query.person().isBlank() || byRole != null) {
                Set<String> who = people.matching(blank(query.person()), byRole, criteria);
                criteria = new Criteria(criteria.patient(), criteria.actor(), who, criteria.from(), criteria.to(),
                        criteria.action(), criteria.limit());
            }
            List<Found> found = search.search(actor.subject(), criteria).await().indefinitely();
            List<EntryView> entries = views(found);
            long after = found.stream().mapToLong(Found::seq).min().orElse(1) - 1;
            return Response.ok(Templates.audit(actor, query, ROLES, entries, true, after, null, List.of())).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(Templates.audit(actor, query, ROLES, List.of(), false,
                    0, null, FrontDeskPages.errors(e.problem()))).build();
        }
    }

    /**
     * The trail from a position on, in a standard form for another system (FHIR AuditEvents or DICOM audit
     * messages), as a file; the same documents as the API's export.
     */
    @GET
    @Path("/export")
    @Produces({AuditExports.FHIR_JSON, MediaType.APPLICATION_XML, MediaType.TEXT_HTML})
    public Response export(@QueryParam("format") @DefaultValue("fhir") String format,
            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("limit") @DefaultValue("500") int limit) {
        Actor actor = actors.current();
        try {
            AuditExports.Export export = exports.export(format, Math.max(0, after), limit).await().indefinitely();
            String file = "audit-trail-after-" + Math.max(0, after) + ("dicom".equals(format) ? ".xml" : ".json");
            return Response.ok(export.body(), export.mediaType())
                    .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).type(MediaType.TEXT_HTML_TYPE).entity(Templates.audit(
                    actor, EMPTY, ROLES, List.of(), false, 0, null, FrontDeskPages.errors(e.problem()))).build();
        }
    }

    private List<EntryView> views(List<Found> found) {
        Map<String, AuditPeople.Person> who = people.describe(found.stream().map(Found::actor).distinct().toList());
        return found.stream().map(f -> new EntryView(f.seq(), Words.preciseTime(f.at()), who.get(f.actor()),
                AuditWords.action(f.action()), f.action(), AuditWords.outcome(f.outcome()), f.outcome(),
                AuditWords.about(f.entity()), AuditWords.details(f.detail()))).toList();
    }

    @POST
    @Path("/verification")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance verify() {
        Actor actor = actors.current();
        Verification v = chain.verify(actor.subject()).await().indefinitely();
        return Templates.audit(actor, EMPTY, ROLES, List.of(), false, 0, v, List.of());
    }

    private static String nz(String value) {
        return value == null ? "" : value.strip();
    }

    private static String blank(String value) {
        return value.isBlank() ? null : value;
    }
}
