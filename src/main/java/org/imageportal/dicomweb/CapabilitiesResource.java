package org.imageportal.dicomweb;

import jakarta.inject.Inject;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.imageportal.platform.security.SecurityConfig;

import io.quarkus.security.Authenticated;

/**
 * The DICOMweb Retrieve Capabilities transaction (PS3.18 8.9): {@code OPTIONS} on the service root answers a WADL
 * document naming every resource the portal serves there, with its methods and media types. It describes the
 * service, never any data, but like every DICOMweb resource it is answered only to an authenticated caller.
 */
@Path("/dicomweb")
@Authenticated
public class CapabilitiesResource {

    static final String WADL = "application/vnd.sun.wadl+xml";

    private static final String MULTIPART_DICOM = "multipart/related; type=&quot;application/dicom&quot;";
    private static final String MULTIPART_BULK = "multipart/related; type=&quot;application/octet-stream&quot;";
    private static final String JSON = "application/dicom+json";

    @Inject
    SecurityConfig security;

    @OPTIONS
    @Produces(WADL)
    @Operation(summary = "DICOMweb: the service's capabilities as a WADL document")
    public Response capabilities() {
        return Response.ok(document(security.publicUrl() + "/dicomweb/"), WADL)
                .header("Allow", "GET, POST, OPTIONS").build();
    }

    static String document(String base) {
        StringBuilder out = new StringBuilder();
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<application xmlns=\"http://wadl.dev.java.net/2009/02\">\n")
                .append("  <resources base=\"").append(xml(base)).append("\">\n");
        resource(out, "studies", search("SearchForStudies") + store("StoreInstances"));
        resource(out, "series", search("SearchForSeries"));
        resource(out, "instances", search("SearchForInstances"));
        resource(out, "studies/{study}", get("RetrieveStudy", MULTIPART_DICOM) + store("StoreStudyInstances"));
        resource(out, "studies/{study}/metadata", get("RetrieveStudyMetadata", JSON));
        resource(out, "studies/{study}/series", search("SearchForStudySeries"));
        resource(out, "studies/{study}/instances", search("SearchForStudyInstances"));
        resource(out, "studies/{study}/series/{series}", get("RetrieveSeries", MULTIPART_DICOM));
        resource(out, "studies/{study}/series/{series}/metadata", get("RetrieveSeriesMetadata", JSON));
        resource(out, "studies/{study}/series/{series}/instances", search("SearchForSeriesInstances"));
        resource(out, "studies/{study}/series/{series}/instances/{instance}",
                get("RetrieveInstance", MULTIPART_DICOM));
        resource(out, "studies/{study}/series/{series}/instances/{instance}/metadata",
                get("RetrieveInstanceMetadata", JSON));
        resource(out, "studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
                get("RetrieveFrames", MULTIPART_BULK));
        resource(out, "studies/{study}/series/{series}/instances/{instance}/bulkdata/7FE00010",
                get("RetrieveBulkdata", MULTIPART_BULK));
        resource(out, "studies/{study}/series/{series}/instances/{instance}/rendered",
                rendered("RetrieveRenderedInstance"));
        resource(out, "studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered",
                rendered("RetrieveRenderedFrames"));
        resource(out, "studies/{study}/series/{series}/instances/{instance}/thumbnail",
                rendered("RetrieveInstanceThumbnail"));
        resource(out, "studies/{study}/series/{series}/thumbnail", rendered("RetrieveSeriesThumbnail"));
        return out.append("  </resources>\n</application>\n").toString();
    }

    private static void resource(StringBuilder out, String path, String methods) {
        out.append("    <resource path=\"").append(xml(path)).append("\">\n").append(methods)
                .append("    </resource>\n");
    }

    private static String search(String id) {
        return "      <method name=\"GET\" id=\"" + id + "\">\n"
                + "        <request>\n"
                + "          <param name=\"limit\" style=\"query\"/><param name=\"offset\" style=\"query\"/>\n"
                + "          <param name=\"includefield\" style=\"query\"/><param name=\"fuzzymatching\" "
                + "style=\"query\"/>\n"
                + "        </request>\n"
                + "        <response status=\"200\"><representation mediaType=\"" + JSON + "\"/></response>\n"
                + "      </method>\n";
    }

    private static String get(String id, String mediaType) {
        return "      <method name=\"GET\" id=\"" + id + "\">\n"
                + "        <response status=\"200\"><representation mediaType=\"" + mediaType + "\"/></response>\n"
                + "      </method>\n";
    }

    /** A rendered resource: its query parameters, and a JPEG or a PNG. */
    private static String rendered(String id) {
        return "      <method name=\"GET\" id=\"" + id + "\">\n"
                + "        <request>\n"
                + "          <param name=\"window\" style=\"query\"/><param name=\"viewport\" style=\"query\"/>\n"
                + "          <param name=\"quality\" style=\"query\"/>\n"
                + "        </request>\n"
                + "        <response status=\"200\"><representation mediaType=\"image/jpeg\"/>"
                + "<representation mediaType=\"image/png\"/></response>\n"
                + "      </method>\n";
    }

    private static String store(String id) {
        return "      <method name=\"POST\" id=\"" + id + "\">\n"
                + "        <request><representation mediaType=\"" + MULTIPART_DICOM + "\"/></request>\n"
                + "        <response status=\"200\"><representation mediaType=\"" + JSON + "\"/></response>\n"
                + "      </method>\n";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
