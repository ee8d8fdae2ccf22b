package org.imageportal.dicomweb;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * The OpenAPI document's description of the rendered and thumbnail resources on every DICOMweb root: what they
 * answer (JPEG or PNG, a problem for a bad parameter or an image that cannot be rendered) and the query parameters
 * of PS3.18 that they honour. The endpoints answer by their own content negotiation ({@link RenderedQuery}), so
 * the document is completed here rather than by annotations on each of them.
 */
public class RenderedOpenApi implements OASFilter {

    private static final Map<String, String> PARAMETERS = Map.of(
            "window", "center,width[,function]: the window to apply (function linear, linear-exact or sigmoid); "
                    + "default the image's own",
            "viewport", "width,height: the largest size of the picture, in pixels (at most 4096 each)",
            "quality", "1-100, the JPEG quality (default " + RenderedQuery.DEFAULT_QUALITY + ")");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if ((path.endsWith("/rendered") || path.endsWith("/thumbnail")) && item.getGET() != null) {
                describe(item.getGET());
            }
        });
    }

    private static void describe(Operation get) {
        PARAMETERS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(p -> get.addParameter(OASFactory.createParameter().name(p.getKey())
                        .in(Parameter.In.QUERY).required(false).description(p.getValue())
                        .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING))));
        Content images = OASFactory.createContent();
        for (String type : List.of("image/jpeg", "image/png")) {
            images.addMediaType(type, OASFactory.createMediaType()
                    .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("binary")));
        }
        MediaType problem = OASFactory.createMediaType();
        get.getResponses().addAPIResponse("200", OASFactory.createAPIResponse()
                .description("the picture, as the Accept header prefers (JPEG without one)").content(images));
        get.getResponses().addAPIResponse("400", OASFactory.createAPIResponse()
                .description("a parameter is not valid (the problem names it)")
                .content(OASFactory.createContent().addMediaType("application/problem+json", problem)));
        get.getResponses().addAPIResponse("406", OASFactory.createAPIResponse()
                .description("neither JPEG nor PNG is acceptable, or the image cannot be rendered here")
                .content(OASFactory.createContent().addMediaType("application/problem+json", problem)));
    }
}
