package org.imageportal.studies.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.studies.access.AccessPolicy;
import org.imageportal.studies.access.StudyAction;

/**
 * DICOMweb STOW-RS (PS3.18 10.5): stores the Part 10 instances of a multipart/related request one by one, as they
 * stream in, and answers with a Store Instances Response in DICOM JSON.
 */
@Path("/dicomweb")
public class StowResource {

    static final String DICOM = "application/dicom";
    static final String DICOM_JSON = "application/dicom+json";

    @Inject
    IngestService ingest;

    @Inject
    Actors actors;

    @Inject
    AccessPolicy policy;

    @Inject
    SecurityConfig security;

    @POST
    @Path("/studies")
    @Consumes("multipart/related")
    @Produces({DICOM_JSON, "application/json"})
    @RolesAllowed({Role.INGEST_NAME, Role.FRONTDESK_NAME})
    @Operation(summary = "STOW-RS: store instances (multipart/related; type=\"application/dicom\")")
    public Response store(@HeaderParam("Content-Type") String contentType, InputStream body) {
        return storeAll(contentType, body, Optional.empty());
    }

    @POST
    @Path("/studies/{study}")
    @Consumes("multipart/related")
    @Produces({DICOM_JSON, "application/json"})
    @RolesAllowed({Role.INGEST_NAME, Role.FRONTDESK_NAME})
    @Operation(summary = "STOW-RS: store instances of one study")
    public Response storeInStudy(@PathParam("study") String study, @HeaderParam("Content-Type") String contentType,
            InputStream body) {
        return storeAll(contentType, body, Optional.of(study));
    }

    static final int MAX_BOUNDARY = 200;

    private Response storeAll(String contentType, InputStream body, Optional<String> study) {
        Actor actor = actors.current();
        if (policy.decide(actor, StudyAction.STORE).await().indefinitely().denied()) {
            throw new ProblemException(ProblemType.FORBIDDEN, "storing studies is not allowed for your role");
        }
        String type = MultipartRelatedReader.parameter(contentType, "type");
        String boundary = MultipartRelatedReader.parameter(contentType, "boundary");
        if (type != null && !DICOM.equalsIgnoreCase(type)) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "only multipart/related; type=\"application/dicom\" is accepted");
        }
        // RFC 2046 allows 70 characters; senders exceed it (Orthanc joins two UUIDs: 73), so accept up to 200
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
            throw new ProblemException(ProblemType.BAD_REQUEST, "the multipart boundary is missing or invalid");
        }
        MultipartRelatedReader reader = new MultipartRelatedReader(body, boundary);
        IngestService.Batch batch = ingest.batch(new IngestService.Target(study, Optional.empty()), actor);
        boolean any = false;
        try {
            for (var part = reader.next(); part != null; part = reader.next()) {
                any = true;
                String partType = MultipartRelatedReader.mediaType(part.contentType());
                if (!partType.isEmpty() && !DICOM.equals(partType)) {
                    batch.add(new IngestOutcome.Failed("", "", IngestOutcome.CANNOT_UNDERSTAND,
                            "a part is not application/dicom"));
                    continue;
                }
                batch.add(part.body());
            }
        } catch (MultipartRelatedReader.MalformedMultipart e) {
            if (!any) {
                throw new ProblemException(ProblemType.BAD_REQUEST,
                        "the multipart body is malformed: " + e.getMessage());
            }
            batch.add(new IngestOutcome.Failed("", "", IngestOutcome.CANNOT_UNDERSTAND,
                    "the multipart body is malformed: " + e.getMessage()));
        } catch (IOException e) {
            batch.add(new IngestOutcome.Failed("", "", IngestOutcome.PROCESSING_FAILURE,
                    "the upload was interrupted"));
        }
        // every instance already read is finished (stored and indexed, or cleaned up) before the answer
        List<IngestOutcome> outcomes = batch.finish();
        if (outcomes.isEmpty()) {
            throw new ProblemException(ProblemType.BAD_REQUEST, "the request holds no instances");
        }
        return response(outcomes, study);
    }

    private Response response(List<IngestOutcome> outcomes, Optional<String> study) {
        String base = security.publicUrl() + "/dicomweb/studies/";
        List<Map<String, Object>> referenced = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        long quarantined = 0;
        for (IngestOutcome outcome : outcomes) {
            switch (outcome) {
                case IngestOutcome.Stored s -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("00081150", ui(s.sopClassUid()));
                    item.put("00081155", ui(s.sopInstanceUid()));
                    if (s.quarantine() == null) {
                        item.put("00081190", Map.of("vr", "UR", "Value", List.of(base + s.studyUid() + "/series/"
                                + s.seriesUid() + "/instances/" + s.sopInstanceUid())));
                    } else {
                        quarantined++;
                    }
                    referenced.add(item);
                }
                case IngestOutcome.Failed f -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("00081150", ui(f.sopClassUid()));
                    item.put("00081155", ui(f.sopInstanceUid()));
                    item.put("00081197", Map.of("vr", "US", "Value", List.of(f.failureReason())));
                    failed.add(item);
                }
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        study.ifPresent(uid -> json.put("00081190", Map.of("vr", "UR", "Value", List.of(base + uid))));
        if (!failed.isEmpty()) {
            json.put("00081198", Map.of("vr", "SQ", "Value", failed));
        }
        if (!referenced.isEmpty()) {
            json.put("00081199", Map.of("vr", "SQ", "Value", referenced));
        }
        int status = referenced.isEmpty() ? 409 : failed.isEmpty() && quarantined == 0 ? 200 : 202;
        Response.ResponseBuilder builder = Response.status(status).type(DICOM_JSON).entity(json);
        if (quarantined > 0) {
            builder.header("Warning", "299 - \"" + quarantined
                    + " instance(s) held for staff review: the patient identity does not match\"");
        }
        failureMessages(outcomes).ifPresent(m -> builder.header("X-Failure-Details", m));
        return builder.build();
    }

    private static Optional<String> failureMessages(List<IngestOutcome> outcomes) {
        List<String> messages = outcomes.stream().filter(IngestOutcome.Failed.class::isInstance)
                .map(o -> ((IngestOutcome.Failed) o).message()).distinct().limit(5).toList();
        return messages.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", messages));
    }

    private static Map<String, Object> ui(String uid) {
        return uid == null || uid.isEmpty() ? Map.of("vr", "UI") : Map.of("vr", "UI", "Value", List.of(uid));
    }
}
