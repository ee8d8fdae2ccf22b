package org.imageportal.dicomweb;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.security.SecurityConfig;
import org.imageportal.studies.StudyRecords.StoredInstance;
import org.imageportal.studies.access.StudyLinks;
import org.imageportal.studies.access.StudyLinks.LinkBasis;
import org.jboss.resteasy.reactive.RestMulti;

import io.smallrye.mutiny.Uni;

/**
 * DICOMweb under a share link, for the viewer of a recipient without an account: the link's token in the path and
 * its session (given for the right access code) in a cookie scoped to the link's path. Only what the link covers
 * is found; a link that was revoked, expired or used up, a missing or foreign session, and another study all
 * answer 404 alike. Each retrieval is audited as the link and disclosed to its recipient before any byte is sent.
 */
@Path("/s/{token}/dicomweb")
@PermitAll
public class LinkDicomWebResource {

    @Inject
    StudyLinks links;

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

    @PathParam("token")
    String token;

    @CookieParam(StudyLinks.SESSION_COOKIE)
    String session;

    private LinkBasis link() {
        return linkNow().await().indefinitely();
    }

    private Uni<LinkBasis> linkNow() {
        return links.basis(token, session).map(found -> found.orElseThrow(ProblemException::notFound));
    }

    private List<StoredInstance> find(String study, String series, String instance) {
        return service.retrievable(link(), study, series, instance).await().indefinitely();
    }

    private DicomWebService.Renderable renderable(String study, String series, String instance) {
        return service.renderable(link(), study, series, instance).await().indefinitely();
    }

    private String root() {
        return security.publicUrl() + "/s/" + token + "/dicomweb";
    }

    @GET
    @Path("/studies/{study}/series")
    @Produces({QidoResource.DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS under a share link: the series of the study")
    public List<Map<String, Object>> searchSeries(@PathParam("study") String study) {
        return service.series(link(), study, new QidoQuery(uri.getQueryParameters())).await().indefinitely()
                .stream().map(s -> QidoResource.series(s, root() + "/studies/")).toList();
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances")
    @Produces({QidoResource.DICOM_JSON, "application/json"})
    @Operation(summary = "QIDO-RS under a share link: the instances of a series")
    public List<Map<String, Object>> searchInstances(@PathParam("study") String study,
            @PathParam("series") String series) {
        return service.instances(link(), study, series, new QidoQuery(uri.getQueryParameters())).await()
                .indefinitely().stream().map(i -> QidoResource.instance(i, root() + "/studies/")).toList();
    }

    @GET
    @Path("/studies/{study}")
    @Operation(summary = "WADO-RS under a share link: retrieve a study")
    public Response study(@PathParam("study") String study, @HeaderParam("Accept") String accept) {
        return responses.multipart(accept, find(study, null, null));
    }

    @GET
    @Path("/studies/{study}/series/{series}")
    @Operation(summary = "WADO-RS under a share link: retrieve a series")
    public Response series(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam("Accept") String accept) {
        return responses.multipart(accept, find(study, series, null));
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}")
    @Operation(summary = "WADO-RS under a share link: retrieve an instance (HTTP Range supported as application/dicom)")
    public Response instance(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
            @HeaderParam("Range") String range) {
        return responses.instance(find(study, series, instance), accept, range);
    }

    @GET
    @Path("/studies/{study}/metadata")
    @Operation(summary = "WADO-RS under a share link: metadata of a study (DICOM JSON)")
    public RestMulti<byte[]> studyMetadata(@PathParam("study") String study) {
        // the viewer's first request under a link, on the event loop (see WadoResponses.metadataParts)
        return RestMulti.fromUniResponse(linkNow().chain(link -> service.retrievable(link, study, null, null))
                .chain(found -> responses.metadataParts(found, root())), parts -> parts,
                parts -> Map.of("Content-Type", List.of(QidoResource.DICOM_JSON)));
    }

    @GET
    @Path("/studies/{study}/series/{series}/metadata")
    @Operation(summary = "WADO-RS under a share link: metadata of a series (DICOM JSON)")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series) {
        return responses.metadata(find(study, series, null), root());
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/metadata")
    @Operation(summary = "WADO-RS under a share link: metadata of an instance (DICOM JSON)")
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance) {
        return responses.metadata(find(study, series, instance), root());
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/bulkdata/7FE00010")
    @Operation(summary = "WADO-RS under a share link: the pixel data of an instance (BulkDataURI), as stored")
    public Response pixelData(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        return responses.pixels(accept, find(study, series, instance).getFirst(), null);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    @Operation(summary = "WADO-RS under a share link: frames of an instance, e.g. frames/1,3, as stored")
    public Response frames(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frames") String frames,
            @HeaderParam("Accept") String accept) {
        int[] numbers = WadoResponses.frameNumbers(frames);
        return responses.pixels(accept, find(study, series, instance).getFirst(), numbers);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/rendered")
    @Operation(summary = "WADO-RS under a share link: an instance rendered (its first frame) as image/jpeg or image/png")
    public Response rendered(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.rendered(renderable(study, series, instance), query, 1);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered")
    @Operation(summary = "WADO-RS under a share link: one frame rendered as image/jpeg or image/png")
    public Response renderedFrame(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @PathParam("frame") String frame,
            @HeaderParam("Accept") String accept) {
        int number = RenderedQuery.frame(frame);
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.rendered(renderable(study, series, instance), query, number);
    }

    @GET
    @Path("/studies/{study}/series/{series}/instances/{instance}/thumbnail")
    @Operation(summary = "WADO-RS under a share link: a thumbnail of an instance (its first frame) as image/jpeg or image/png")
    public Response instanceThumbnail(@PathParam("study") String study, @PathParam("series") String series,
            @PathParam("instance") String instance, @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.thumbnail(renderable(study, series, instance), query);
    }

    @GET
    @Path("/studies/{study}/series/{series}/thumbnail")
    @Operation(summary = "WADO-RS under a share link: a thumbnail of a series (its middle image) as image/jpeg or image/png")
    public Response seriesThumbnail(@PathParam("study") String study, @PathParam("series") String series,
            @HeaderParam("Accept") String accept) {
        RenderedQuery query = RenderedQuery.of(accept, uri.getQueryParameters());
        return rendering.thumbnail(renderable(study, series, null), query);
    }
}
