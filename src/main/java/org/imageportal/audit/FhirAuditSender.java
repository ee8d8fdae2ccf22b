package org.imageportal.audit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLParameters;

import org.imageportal.audit.AuditChain.Entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends audit entries as FHIR AuditEvents in one batch Bundle per request (POST to the FHIR base), over HTTPS only,
 * checking the repository's certificate and host name. A batch counts as received only if the repository answers
 * 200 and every entry of its batch-response was created (2xx); anything else throws. Blocking; plain Java.
 */
final class FhirAuditSender {

    static final String FHIR_JSON = "application/fhir+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FhirAuditConfig config;
    private final AuditSource source;

    FhirAuditSender(FhirAuditConfig config, AuditSource source) {
        this.config = config;
        this.source = source;
    }

    /** Where the trail goes, as its forwarding position is kept. */
    String destination() {
        return "fhir:" + config.url().map(URI::toString).orElse("-");
    }

    /** Whether the portal proves who it is to the repository, so that standard identifiers may go there. */
    boolean mutual() {
        return config.keyStore().isPresent();
    }

    /** The batch Bundle for these entries. */
    Map<String, Object> bundle(List<Entry> entries, DicomAuditMessage.Identifiers ids) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "batch");
        bundle.put("entry", entries.stream().map(e -> Map.of("resource", FhirAuditEvent.of(e, source, ids),
                "request", Map.of("method", "POST", "url", "AuditEvent"))).toList());
        return bundle;
    }

    void send(List<Entry> entries, DicomAuditMessage.Identifiers ids) throws IOException {
        URI base = config.url().orElseThrow(() -> new IOException("no FHIR repository configured"));
        if (!"https".equalsIgnoreCase(base.getScheme())) {
            throw new IOException("the FHIR audit repository must be reached over https");
        }
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(AuditTls.PROTOCOLS);
        HttpClient client = HttpClient.newBuilder()
                .sslContext(AuditTls.client(config, "the FHIR audit repository"))
                .sslParameters(parameters).connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(base).timeout(config.timeout())
                .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(bundle(entries, ids)))).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to the FHIR audit repository", e);
        } finally {
            client.close();
        }
        if (response.statusCode() != 200) {
            throw new IOException("the FHIR audit repository answered " + response.statusCode());
        }
        JsonNode answered = JSON.readTree(response.body()).path("entry");
        if (answered.size() != entries.size()) {
            throw new IOException("the FHIR audit repository answered " + answered.size() + " of " + entries.size()
                    + " entries");
        }
        for (JsonNode entry : answered) {
            String status = entry.path("response").path("status").asText("");
            if (!status.startsWith("2")) {
                throw new IOException("the FHIR audit repository refused an entry: " + status);
            }
        }
    }
}
