package org.imageportal.dicomweb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.dicom.InstanceHeader.RequestAttributes;
import org.imageportal.identity.Actors;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.studies.StudyRecords.InstanceRecord;
import org.imageportal.studies.StudyRecords.SeriesRecord;
import org.imageportal.studies.StudyRecords.StoredInstance;
import org.imageportal.studies.StudyRecords.StudyRecord;
import org.imageportal.studies.access.StudyCaller;
import org.jboss.resteasy.reactive.RestMulti;

import io.smallrye.mutiny.Uni;

/**
 * DICOMweb QIDO-RS (PS3.18 10.6) and WADO-RS (10.4), once for every caller. Each root (a person's or client's
 * {@code /dicomweb}, the viewer's {@code /viewer/dicomweb} under the page's session, a share link's
 * {@code /s/{token}/dicomweb}) only says who its caller is and where it lives; what a caller finds, and how each
 * release is audited and disclosed, is decided by the access policy behind {@link DicomWebService}. Searches are
 * answered in DICOM JSON; retrievals as multipart/related, single parts, byte ranges, frames, bulk data, rendered
 * images and thumbnails ({@link WadoResponses}, {@link RenderedResponses}).
 *
 * <p>
 * Security annotations are not inherited, so the endpoints declared here carry {@code @PermitAll} and the roots
 * enforce their caller: the signed-in roots are covered by an {@code authenticated} HTTP permission on their paths
 * (see application.properties) and take the caller from the authenticated identity; the link root admits anyone to
 * the endpoint and finds nothing without the link's valid session.
 */
@PermitAll
public abstract class DicomWebEndpoints {

    static final String DICOM_JSON = "application/dicom+json";

    @Inject
    DicomWebService service;

    @Inject
    WadoResponses responses;

    @Inject
    RenderedResponses rendering;

    @Inject
    SecurityConfig security;

    @Context
    UriInfo uri;

    @Inject
    Actors actors;

    /** Who is asking; a failure (401, or 404 for a link without its session) if nobody this root admits. */
    protected abstract Uni<StudyCaller> caller();

    /** The caller of a signed-in root: the authenticated person or client (401 if there is none). */
    protected final Uni<StudyCaller> signedIn() {
        return Uni.createFrom().item(() -> StudyCaller.of(actors.current()));
    }

    /** The root's path under the portal's public address, e.g. {@code /dicomweb}. */
    protected abstract String path();

    private String root() {
        return security.publicUrl() + path();
    }

    private QidoQuery query() {
        return new QidoQuery(uri.getQueryParameters());
    }

    private List<StoredInstance> find(String study, String series, String instance) {
        return caller().chain(caller -> service.retrievable(caller, study, series, instance)).await().indefinitely();
    }

    private DicomWebService.Renderable renderable(String study, String series, String instance) {
        return caller().chain(caller -> service.renderable(caller, study, series, instance)).await().indefinitely();
    }

    @GET
    @Path("/studies")
    @Produces({DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS: search for studies")
    public Uni<List<Map<String, Object>>> searchStudies() {
        QidoQuery query = query();
        String studies = root() + "/studies/";
        return caller().chain(caller -> service.studies(caller, query))
                .map(list -> list.stream().map(s -> study(s, query, studies)).toList());
    }

    @GET
    @Path("/series")
    @Produces({DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS: search for series in all studies")
    public Uni<List<Map<String, Object>>> searchAllSeries() {
        return seriesFound(null);
    }

    @GET
    @Path("/studies/{study}/series")
    @Produces({DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS: search for series of a study")
    public Uni<List<Map<String, Object>>> searchSeries(@PathParam("study") String study) {
        return seriesFound(study);
    }

    @GET
    @Path("/instances")
    @Produces({DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS: search for instances in all studies")
    public Uni<List<Map<String, Object>>> searchAllInstances() {
        return instancesFound(null, null);
    }

    @GET
    @Path("/studies/{study}/instances")
    @Produces({DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS: search for instances of a study")
    public Uni<List<Map<String, Object>>> searchStudyInstances(@PathParam("study") String study) {
        return instancesFound(study, null);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances")
    @Produces({DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS: search for instances of a series")
    public Uni<List<Map<String, Object>>> searchInstances(@PathParam("study") String study,
            @PathParam("series") String series) {
        return instancesFound(study, series);
    }

    private Uni<List<Map<String, Object>>> seriesFound(String study) {
        QidoQuery query = query();
        String studies = root() + "/studies/";
        return caller().chain(caller -> service.series(caller, study, query))
                .map(list -> list.stream().map(s -> series(s, studies)).toList());
    }

    private Uni<List<Map<String, Object>>> instancesFound(String study, String series) {
        QidoQuery query = query();
        String studies = root() + "/studies/";
        return caller().chain(caller -> service.instances(caller, study, series, query))
                .map(list -> list.stream().map(i -> instance(i, studies)).toList());
    }

    @GET
    @Path("/studies/{study}")
    @Operation(summary = "WADO-RS: retrieve a study")
    public Response study(@PathParam("study") String study, @HeaderParam("Accept") String accept) {
        return responses.multipart(accept, find(study, null, null));
    }

    @GET
    @Path("/studies/{study}/series/{series}")
    @Operation(summary = "WADO-RS: retrieve a series")
    public Response series(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam("Accept") String accept) {
        return responses.multipart(accept, find(study, series, null));
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}")
    @Operation(summary = "WADO-RS: retrieve an instance (HTTP Range supported as application/dicom)")
    public Response instance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
            @HeaderParam("Range") String range) {
        return responses.instance(find(study, series, instance), accept, range);
    }

    @GET
    @Path("/studies/{study}/metadata")
    @Operation(summary = "WADO-RS: metadata of a study (DICOM JSON)")
    public RestMulti<byte[]> studyMetadata(@PathParam("study") String study) {
        // often a viewer's first request: on the event loop (see WadoResponses.metadataParts)
        String root = root();
        return RestMulti.fromUniResponse(caller().chain(caller -> service.retrievable(caller, study, null, null))
                .chain(found -> responses.metadataParts(found, root)), parts -> parts,
                parts -> Map.of("Content-Type", List.of(DICOM_JSON)));
    }

    @GET
    @Path("/studies/{study}/series/{series}/metadata")
    @Operation(summary = "WADO-RS: metadata of a series (DICOM JSON), whose frames a viewer then reads")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series) {
        return responses.metadata(find(study, series, null), root());
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/metadata")
    @Operation(summary = "WADO-RS: metadata of an instance (DICOM JSON)")
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance) {
        return responses.metadata(find(study, series, instance), root());
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/bulkdata/7FE00010")
    @Operation(summary = "WADO-RS: the pixel data of an instance (BulkDataURI of the metadata), as stored")
    public Response pixelData(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        return responses.pixels(accept, find(study, series, instance).getFirst(), null);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    @Operation(summary = "WADO-RS: frames of an instance, e.g. frames/1,3, in their stored transfer syntax")
    public Response frames(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frames") String frames,
            @HeaderParam("Accept") String accept) {
        int[] numbers = WadoResponses.frameNumbers(frames);
        return responses.pixels(accept, find(study, series, instance).getFirst(), numbers);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/rendered")
    @Operation(summary = "WADO-RS: an instance rendered (its first frame) as image/jpeg or image/png")
    public Response rendered(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.rendered(renderable(study, series, instance), query, 1);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered")
    @Operation(summary = "WADO-RS: one frame rendered as image/jpeg or image/png")
    public Response renderedFrame(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frame") String frame,
            @HeaderParam("Accept") String accept) {
        int number = RenderedQuery.frame(frame);
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.rendered(renderable(study, series, instance), query, number);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/thumbnail")
    @Operation(summary = "WADO-RS: a thumbnail of an instance (its first frame) as image/jpeg or image/png")
    public Response instanceThumbnail(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.thumbnail(renderable(study, series, instance), query);
    }

    @GET
    @Path("/studies/{study}/series/{series}/thumbnail")
    @Operation(summary = "WADO-RS: a thumbnail of a series (its middle image) as image/jpeg or image/png")
    public Response seriesThumbnail(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.thumbnail(renderable(study, series, null), query);
    }

    /** A study as QIDO-RS answers it; RetrieveURL under {@code studiesUrl} (ending in /studies/). */
    static Map<String, Object> study(StudyRecord s, QidoQuery query, String studiesUrl) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "00080005", "CS", "ISO_IR 192");
        put(json, "00080020", "DA", s.studyDate());
        put(json, "00080030", "TM", s.studyTime());
        put(json, "00080050", "SH", s.accessionNumber());
        put(json, "00080056", "CS", "ONLINE");
        json.put("00080061", values("CS", new ArrayList<>(s.modalities())));
        personName(json, "00080090", s.referringPhysician());
        if (query.includes("StudyDescription")) {
            put(json, "00081030", "LO", s.description());
        }
        put(json, "00081190", "UR", studiesUrl + s.studyUid());
        personName(json, "00100010", s.patient().name());
        put(json, "00100020", "LO", s.patient().patientId());
        if (query.includes("IssuerOfPatientID")) {
            put(json, "00100021", "LO", s.patient().issuer());
        }
        put(json, "00100030", "DA", s.patient().birthDate());
        put(json, "00100040", "CS", s.patient().sex());
        put(json, "0020000D", "UI", s.studyUid());
        put(json, "00200010", "SH", s.studyId());
        json.put("00201206", values("IS", List.of(s.seriesCount())));
        json.put("00201208", values("IS", List.of(s.instanceCount())));
        return json;
    }

    /** A series as QIDO-RS answers it; RetrieveURL under {@code studiesUrl} (ending in /studies/). */
    static Map<String, Object> series(SeriesRecord s, String studiesUrl) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "00080005", "CS", "ISO_IR 192");
        put(json, "00080060", "CS", s.modality());
        put(json, "0008103E", "LO", s.description());
        put(json, "00081190", "UR", studiesUrl + s.studyUid() + "/series/" + s.seriesUid());
        put(json, "0020000D", "UI", s.studyUid());
        put(json, "0020000E", "UI", s.seriesUid());
        json.put("00200011", s.seriesNumber() == null ? Map.of("vr", "IS") : values("IS", List.of(s.seriesNumber())));
        json.put("00201209", values("IS", List.of(s.instanceCount())));
        put(json, "00400244", "DA", s.performedStartDate());
        put(json, "00400245", "TM", s.performedStartTime());
        json.put("00400275", requestAttributes(s.requestAttributes()));
        return json;
    }

    /** The Request Attributes Sequence (0040,0275): each item with the identifiers it has. */
    private static Map<String, Object> requestAttributes(List<RequestAttributes> items) {
        if (items.isEmpty()) {
            return Map.of("vr", "SQ");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (RequestAttributes a : items) {
            Map<String, Object> item = new LinkedHashMap<>();
            put(item, "00080050", "SH", a.accessionNumber());
            put(item, "00400009", "SH", a.scheduledProcedureStepId());
            put(item, "00401001", "SH", a.requestedProcedureId());
            out.add(item);
        }
        return values("SQ", out);
    }

    /**
     * The return keys every instance answer holds (PS3.18 table 10.6.3-6 and the index's own); other attributes come
     * from the instance's metadata when {@code includefield} asks for them.
     */
    static final Set<String> INSTANCE_DEFAULTS = Set.of("00080005", "00080016", "00080018", "00080056", "00081190",
            "00083002", "0020000D", "0020000E", "00200013", "00280008", "00280010", "00280011", "00280100");

    /** An instance as QIDO-RS answers it; RetrieveURL under {@code studiesUrl} (ending in /studies/). */
    static Map<String, Object> instance(InstanceRecord i, String studiesUrl) {
        Map<String, Object> json = new LinkedHashMap<>();
        put(json, "00080005", "CS", "ISO_IR 192");
        put(json, "00080016", "UI", i.sopClassUid());
        put(json, "00080018", "UI", i.sopInstanceUid());
        put(json, "00080056", "CS", "ONLINE");
        put(json, "00081190", "UR",
                studiesUrl + i.studyUid() + "/series/" + i.seriesUid() + "/instances/" + i.sopInstanceUid());
        put(json, "00083002", "UI", i.transferSyntax());
        put(json, "0020000D", "UI", i.studyUid());
        put(json, "0020000E", "UI", i.seriesUid());
        number(json, "00200013", "IS", i.instanceNumber());
        number(json, "00280008", "IS", i.frames());
        number(json, "00280010", "US", i.rows());
        number(json, "00280011", "US", i.columns());
        number(json, "00280100", "US", i.bitsAllocated());
        i.more().forEach(json::putIfAbsent);
        return new java.util.TreeMap<>(json);
    }

    private static void put(Map<String, Object> json, String tag, String vr, String value) {
        json.put(tag, value == null || value.isEmpty() ? Map.of("vr", vr) : values(vr, List.of(value)));
    }

    private static void number(Map<String, Object> json, String tag, String vr, Integer value) {
        json.put(tag, value == null ? Map.of("vr", vr) : values(vr, List.of(value)));
    }

    /** A Person Name with its component groups (PS3.18 F.2.2): alphabetic, ideographic, phonetic, split at "=". */
    static void personName(Map<String, Object> json, String tag, String value) {
        if (value == null || value.isEmpty()) {
            json.put(tag, Map.of("vr", "PN"));
            return;
        }
        String[] groups = value.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        Map<String, Object> name = new java.util.LinkedHashMap<>();
        for (int i = 0; i < Math.min(groups.length, names.length); i++) {
            if (!groups[i].isEmpty()) {
                name.put(names[i], groups[i]);
            }
        }
        json.put(tag, values("PN", List.of(name)));
    }

    private static Map<String, Object> values(String vr, List<?> values) {
        return Map.of("vr", vr, "Value", values);
    }
}
