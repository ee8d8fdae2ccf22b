package org.imageportal.dicomweb;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.identity.Actors;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.studies.StudyRecords.StoredInstance;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * DICOMweb WADO-RS (PS3.18 10.4) for accounts and machine clients with bearer tokens (standard DICOMweb clients):
 * studies, series and instances as multipart/related application/dicom, and their metadata as DICOM JSON. Every
 * request goes through the access policy; the responses are built by {@link WadoResponses}, rendered images and
 * thumbnails by {@link RenderedResponses}.
 */
@Path("/dicomweb")
@Authenticated
public class WadoResource {

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

    private List<StoredInstance> find(String study, String series, String instance) {
        return service.retrievable(actors.require(identity), study, series, instance).await().indefinitely();
    }

    private DicomWebService.Renderable renderable(String study, String series, String instance) {
        return service.renderable(actors.require(identity), study, series, instance).await().indefinitely();
    }

    private String root() {
        return security.publicUrl() + "/dicomweb";
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
    public Response studyMetadata(@PathParam("study") String study) {
        return responses.metadata(find(study, null, null), root());
    }

    @GET
    @Path("/studies/{study}/series/{series}/metadata")
    @Operation(summary = "WADO-RS: metadata of a series (DICOM JSON)")
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
}
