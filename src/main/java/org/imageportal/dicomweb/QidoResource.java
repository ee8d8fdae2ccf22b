package org.imageportal.dicomweb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.dicom.InstanceHeader.RequestAttributes;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.studies.StudyRecords.InstanceRecord;
import org.imageportal.studies.StudyRecords.SeriesRecord;
import org.imageportal.studies.StudyRecords.StudyRecord;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/** DICOMweb QIDO-RS (PS3.18 10.6): search studies, series and instances, answered in DICOM JSON. */
@Path("/dicomweb")
@Authenticated
@Produces({QidoResource.DICOM_JSON, "application/json"})
public class QidoResource {

    static final String DICOM_JSON = "application/dicom+json";

    @Inject
    DicomWebService service;

    @Inject
    Actors actors;

    @Inject
    SecurityIdentity identity;

    @Inject
    SecurityConfig security;

    @Context
    UriInfo uri;

    private Actor actor() {
        return actors.require(identity);
    }

    private QidoQuery query() {
        return new QidoQuery(uri.getQueryParameters());
    }

    @GET
    @Path("/studies")
    @Operation(summary = "QIDO-RS: search for studies")
    public Uni<List<Map<String, Object>>> studies() {
        QidoQuery query = query();
        return service.studies(actor(), query).map(list -> list.stream().map(s -> study(s, query)).toList());
    }

    @GET
    @Path("/series")
    @Operation(summary = "QIDO-RS: search for series in all studies")
    public Uni<List<Map<String, Object>>> allSeries() {
        return service.series(actor(), null, query()).map(list -> list.stream().map(s -> series(s, base())).toList());
    }

    @GET
    @Path("/studies/{study}/series")
    @Operation(summary = "QIDO-RS: search for series of a study")
    public Uni<List<Map<String, Object>>> series(@PathParam("study") String study) {
        return service.series(actor(), study, query()).map(list -> list.stream().map(s -> series(s, base())).toList());
    }

    @GET
    @Path("/instances")
    @Operation(summary = "QIDO-RS: search for instances in all studies")
    public Uni<List<Map<String, Object>>> allInstances() {
        return service.instances(actor(), null, null, query())
                .map(l -> l.stream().map(i -> instance(i, base())).toList());
    }

    @GET
    @Path("/studies/{study}/instances")
    @Operation(summary = "QIDO-RS: search for instances of a study")
    public Uni<List<Map<String, Object>>> studyInstances(@PathParam("study") String study) {
        return service.instances(actor(), study, null, query())
                .map(l -> l.stream().map(i -> instance(i, base())).toList());
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances")
    @Operation(summary = "QIDO-RS: search for instances of a series")
    public Uni<List<Map<String, Object>>> seriesInstances(@PathParam("study") String study,
            @PathParam("series") String series) {
        return service.instances(actor(), study, series, query())
                .map(l -> l.stream().map(i -> instance(i, base())).toList());
    }

    private String base() {
        return security.publicUrl() + "/dicomweb/studies/";
    }

    private Map<String, Object> study(StudyRecord s, QidoQuery query) {
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
        put(json, "00081190", "UR", base() + s.studyUid());
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
