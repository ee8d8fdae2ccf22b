package org.imageportal.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.imageportal.audit.AuditSearchService.Page;
import org.imageportal.audit.AuditSearchService.Position;
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

    /**
     * Which part of the trail a page shows: entries {@code newest} down to {@code oldest} (places in the chain) with
     * their times, and the links to the next older and newer pages of the same search (null where there are none).
     */
    public record Paging(long newest, long oldest, String newestAt, String oldestAt, int size, String older,
            String newer) {
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

    /** How many entries a page shows. */
    static final int PAGE_SIZE = 50;

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance audit(Actor actor, Query query, List<RoleChoice> roles, List<EntryView> entries,
                Paging paging, boolean searched, long exportAfter, Verification verification,
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
            @QueryParam("to") String to, @QueryParam("action") String action, @QueryParam("before") String before,
            @QueryParam("after") String after) {
        Actor actor = actors.current();
        Query query = new Query(nz(mrn), nz(person), nz(role), nz(user), nz(from), nz(to), nz(action));
        boolean searched = !String.join("", query.mrn(), query.person(), query.role(), query.user(), query.from(),
                query.to(), query.action()).isBlank();
        if (!searched) {
            return Response.ok(Templates.audit(actor, query, ROLES, List.of(), null, false, 0, null, List.of()))
                    .build();
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
            Position position = position(before, after);
            Criteria criteria = new Criteria(patient, blank(query.user()), start, end, blank(query.action()),
                    PAGE_SIZE);
            if (!query.person().isBlank() || byRole != null) {
                Set<String> who = people.matching(blank(query.person()), byRole, criteria);
                criteria = new Criteria(criteria.patient(), criteria.actor(), who, criteria.from(), criteria.to(),
                        criteria.action(), criteria.limit());
            }
            Page page = search.page(actor.subject(), criteria, position).await().indefinitely();
            List<Found> found = page.entries();
            List<EntryView> entries = views(found);
            long exportAfter = found.stream().mapToLong(Found::seq).min().orElse(1) - 1;
            Paging paging = found.isEmpty()
                    ? new Paging(0, 0, "", "", 0, page.older() ? link(query, "before", position.after() + 1) : null,
                            page.newer() ? link(query, "after", position.before() - 1) : null)
                    : new Paging(found.getFirst().seq(), found.getLast().seq(), Words.preciseTime(found.getFirst()
                            .at()), Words.preciseTime(found.getLast().at()), PAGE_SIZE,
                            page.older() ? link(query, "before", found.getLast().seq()) : null,
                            page.newer() ? link(query, "after", found.getFirst().seq()) : null);
            return Response.ok(Templates.audit(actor, query, ROLES, entries, paging, true, exportAfter, null,
                    List.of())).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(Templates.audit(actor, query, ROLES, List.of(), null,
                    false, 0, null, FrontDeskPages.errors(e.problem()))).build();
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
                    actor, EMPTY, ROLES, List.of(), null, false, 0, null, FrontDeskPages.errors(e.problem())))
                    .build();
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
        return Templates.audit(actor, EMPTY, ROLES, List.of(), null, false, 0, v, List.of());
    }

    /** Where the page starts: before or after an entry, as the "Older" and "Newer" links say; else the newest. */
    static Position position(String before, String after) {
        Long older = seq(before, "before");
        Long newer = seq(after, "after");
        if (older != null && newer != null) {
            throw ProblemException.invalid("before and after", "before", "a page starts before or after an entry");
        }
        return older != null ? Position.olderThan(older) : newer != null ? Position.newerThan(newer) : Position.NEWEST;
    }

    private static Long seq(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long seq = Long.parseLong(value.strip());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalid("not an entry number", name, "a page starts at an entry number");
    }

    /** The same search, from another place in the trail. */
    private static String link(Query q, String direction, long seq) {
        StringBuilder out = new StringBuilder("/privacy/audit?");
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("mrn", q.mrn());
        params.put("person", q.person());
        params.put("role", q.role());
        params.put("user", q.user());
        params.put("from", q.from());
        params.put("to", q.to());
        params.put("action", q.action());
        params.forEach((name, value) -> {
            if (!value.isBlank()) {
                out.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
            }
        });
        return out.append(direction).append('=').append(seq).toString();
    }

    private static String nz(String value) {
        return value == null ? "" : value.strip();
    }

    private static String blank(String value) {
        return value.isBlank() ? null : value;
    }
}
