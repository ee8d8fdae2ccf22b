package org.imageportal.dicomweb;

import java.util.List;
import java.util.Map;

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
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.studies.StudyRecords.StoredInstance;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * What the portal's viewer needs of DICOMweb for a signed-in patient or physician, under the page's session (the
 * sign-in cookie, not a bearer token) and the same access policy as {@code /dicomweb}: a patient reaches their own
 * studies, a physician what is shared with them now, each release to a physician disclosed.
 */
@Path("/viewer/dicomweb")
@Authenticated
public class ViewerDicomWebResource {

    @Inject
    DicomWebService service;

    @Inject
    WadoResponses responses;

    @Inject
    RenderedResponses rendering;

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

    private List<StoredInstance> find(String study, String series, String instance) {
        return service.retrievable(actor(), study, series, instance).await().indefinitely();
    }

    private DicomWebService.Renderable renderable(String study, String series, String instance) {
        return service.renderable(actor(), study, series, instance).await().indefinitely();
    }

    private String root() {
        return security.publicUrl() + "/viewer/dicomweb";
    }

    @GET
    @Path("/studies/{study}/series")
    @Produces({QidoResource.DICOM_JSON, "application/json"})
    @Operation(summary = "Viewer QIDO-RS: the series of the study")
    public List<Map<String, Object>> searchSeries(@PathParam("study") String study) {
        return service.series(actor(), study, new QidoQuery(uri.getQueryParameters())).await().indefinitely()
                .stream().map(s -> QidoResource.series(s, root() + "/studies/")).toList();
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances")
    @Produces({QidoResource.DICOM_JSON, "application/json"})
    @Operation(summary = "Viewer QIDO-RS: the instances of a series")
    public List<Map<String, Object>> searchInstances(@PathParam("study") String study,
            @PathParam("series") String series) {
        return service.instances(actor(), study, series, new QidoQuery(uri.getQueryParameters())).await()
                .indefinitely().stream().map(i -> QidoResource.instance(i, root() + "/studies/")).toList();
    }

    @GET
    @Path("/studies/{study}")
    @Operation(summary = "Viewer WADO-RS: retrieve a study")
    public Response study(@PathParam("study") String study, @HeaderParam("Accept") String accept) {
        return responses.multipart(accept, find(study, null, null));
    }

    @GET
    @Path("/studies/{study}/series/{series}")
    @Operation(summary = "Viewer WADO-RS: retrieve a series")
    public Response series(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam("Accept") String accept) {
        return responses.multipart(accept, find(study, series, null));
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}")
    @Operation(summary = "Viewer WADO-RS: retrieve an instance (HTTP Range supported as application/dicom)")
    public Response instance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
            @HeaderParam("Range") String range) {
        return responses.instance(find(study, series, instance), accept, range);
    }

    @GET
    @Path("/studies/{study}/series/{series}/metadata")
    @Operation(summary = "Viewer WADO-RS: metadata of a series (DICOM JSON), whose frames the viewer then reads")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series) {
        return responses.metadata(find(study, series, null), root());
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/bulkdata/7FE00010")
    @Operation(summary = "Viewer WADO-RS: the pixel data of an instance (BulkDataURI of the metadata), as stored")
    public Response pixelData(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        return responses.pixels(accept, find(study, series, instance).getFirst(), null);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    @Operation(summary = "Viewer WADO-RS: frames of an instance, e.g. frames/1,3, in their stored transfer syntax")
    public Response frames(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frames") String frames,
            @HeaderParam("Accept") String accept) {
        return responses.pixels(accept, find(study, series, instance).getFirst(), WadoResponses.frameNumbers(frames));
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/rendered")
    @Operation(summary = "Viewer WADO-RS: an instance rendered (its first frame) as image/jpeg or image/png")
    public Response rendered(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.rendered(renderable(study, series, instance), query, 1);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered")
    @Operation(summary = "Viewer WADO-RS: one frame rendered as image/jpeg or image/png")
    public Response renderedFrame(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frame") String frame,
            @HeaderParam("Accept") String accept) {
        int number = RenderedQuery.frame(frame);
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.rendered(renderable(study, series, instance), query, number);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/thumbnail")
    @Operation(summary = "Viewer WADO-RS: a thumbnail of an instance (its first frame) as image/jpeg or image/png")
    public Response instanceThumbnail(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.thumbnail(renderable(study, series, instance), query);
    }

    @GET
    @Path("/studies/{study}/series/{series}/thumbnail")
    @Operation(summary = "Viewer WADO-RS: a thumbnail of a series (its middle image) as image/jpeg or image/png")
    public Response seriesThumbnail(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.thumbnail(renderable(study, series, null), query);
    }
}
