package org.imageportal.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.platform.errors.ProblemException;

import io.smallrye.mutiny.Uni;

/**
 * The audit trail in the standard forms other systems read (a FHIR Bundle of IHE BALP AuditEvents, a DICOM PS3.15
 * A.5 AuditMessages document), one run of the chain at a time, for the API and the privacy officer's page alike.
 */
@ApplicationScoped
public class AuditExports {

    /** The media type of a FHIR resource in JSON. */
    public static final String FHIR_JSON = "application/fhir+json";
    /** The most entries one export holds. */
    public static final int MAX = 1000;

    /** An export: its media type and its body (XML text, or the FHIR Bundle to be written as JSON). */
    public record Export(String mediaType, Object body) {
    }

    private final AuditSearchService search;
    private final AuditConfig config;

    AuditExports(AuditSearchService search, AuditConfig config) {
        this.search = search;
        this.config = config;
    }

    /** The entries after {@code after}, in chain order, as {@code fhir} or {@code dicom}; 400 for another format. */
    public Uni<Export> export(String format, long after, int limit) {
        if (!"fhir".equals(format) && !"dicom".equals(format)) {
            throw ProblemException.invalid("unknown format", "format", "choose fhir or dicom");
        }
        AuditSource source = new AuditSource(config.sourceId(), config.site().orElse(null));
        return search.run(after, Math.clamp(limit, 1, MAX)).map(entries -> {
            if ("dicom".equals(format)) {
                return new Export("application/xml", DicomAuditMessage.all(entries, source));
            }
            Map<String, Object> bundle = new LinkedHashMap<>();
            bundle.put("resourceType", "Bundle");
            bundle.put("type", "collection");
            bundle.put("entry", entries.stream().map(e -> Map.of("resource", FhirAuditEvent.of(e, source))).toList());
            return new Export(FHIR_JSON, bundle);
        });
    }
}
