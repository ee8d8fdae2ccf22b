package org.imageportal.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.audit.AuditSearchService.Criteria;
import org.imageportal.audit.AuditSearchService.Found;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;

import io.smallrye.mutiny.Uni;

/**
 * The audit trail read by the privacy officer: search, and the standard exports (DICOM PS3.15 A.5 audit messages,
 * FHIR AuditEvent after the IHE Basic Audit Log Patterns).
 */
@Path("/api/audit/events")
public class AuditExportResource {

    static final String FHIR_JSON = AuditExports.FHIR_JSON;
    private static final int MAX = 1000;

    @Inject
    AuditSearchService search;

    @Inject
    AuditConfig config;

    @Inject
    AuditExports exports;

    @Inject
    Actors actors;

    @GET
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Search the audit trail by patient, user, time and action (newest first); the search is "
            + "itself audited")
    public Uni<List<Found>> search(@QueryParam("patient") String patient, @QueryParam("actor") String actor,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("action") String action,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        String viewer = actors.current().subject();
        Criteria criteria = new Criteria(patient == null || patient.isBlank() ? null : uuid(patient), blank(actor),
                instant(from, "from"), instant(to, "to"), blank(action), Math.clamp(limit, 1, MAX));
        return search.search(viewer, criteria);
    }

    @GET
    @Path("/{seq}/dicom")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Produces(MediaType.APPLICATION_XML)
    @Operation(summary = "One entry as a DICOM audit message (PS3.15 A.5); 404 if its action has no DICOM event")
    public Uni<String> dicom(@PathParam("seq") long seq) {
        actors.current();
        return search.at(seq).map(e -> {
            if (e == null) {
                throw ProblemException.notFound();
            }
            return DicomAuditMessage.of(e, source()).orElseThrow(ProblemException::notFound);
        });
    }

    @GET
    @Path("/{seq}/fhir")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Produces(FHIR_JSON)
    @Operation(summary = "One entry as a FHIR R4 AuditEvent (IHE BALP)")
    public Uni<Map<String, Object>> fhir(@PathParam("seq") long seq) {
        actors.current();
        return search.at(seq).map(e -> {
            if (e == null) {
                throw ProblemException.notFound();
            }
            return FhirAuditEvent.of(e, source());
        });
    }

    @GET
    @Path("/export")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    @Produces({FHIR_JSON, MediaType.APPLICATION_XML})
    @Operation(summary = "Entries after a chain position, in order: format=fhir gives a Bundle of AuditEvents, "
            + "format=dicom an AuditMessages document of A.5 audit messages")
    public Uni<Response> export(@QueryParam("format") @DefaultValue("fhir") String format,
            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("limit") @DefaultValue("500") int limit) {
        actors.current();
        return exports.export(format, after, limit).map(e -> Response.ok(e.body(), e.mediaType()).build());
    }

    private AuditSource source() {
        return new AuditSource(config.sourceId(), config.site().orElse(null));
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("not a patient id", "patient", "give the patient's registry id");
        }
    }

    private static Instant instant(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid("not a time", field, "give a UTC time such as 2026-11-27T09:00:00Z");
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
