package org.imageportal.web;

import java.net.URI;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.text.Words;
import org.imageportal.studies.ingest.dimse.DimsePeer;
import org.imageportal.studies.ingest.dimse.DimsePeerRequest;
import org.imageportal.studies.ingest.dimse.DimsePeerService;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The administrator's page of the DIMSE gateway's AE registry: the DICOM nodes allowed to send, registering one
 * (checked by the registry's own rules, each mistake shown beside its field) and removing one once confirmed.
 */
@Path("/admin/dimse/peers")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.ADMIN_NAME)
public class DimsePeerPages {

    private static final Draft EMPTY = new Draft("", "", "", "", "");
    /** The form's fields in the order of the form, with the words the page calls them by. */
    private static final Map<String, String> LABELS = labels();

    /** A registered node as the list shows it. */
    public record PeerView(String id, String callingAeTitle, List<String> addresses, String calledAeTitle,
            String certificateSubject, String description, String added) {
    }

    /** What was typed into the form, given back exactly so after a mistake. */
    public record Draft(String callingAeTitle, String addresses, String calledAeTitle, String certificateSubject,
            String description) {
    }

    /** What is wrong with each field (empty where nothing is), shown beside it. */
    public record FieldMessages(String callingAeTitle, String addresses, String calledAeTitle,
            String certificateSubject, String description) {

        static final FieldMessages NONE = new FieldMessages("", "", "", "", "");

        static FieldMessages of(List<FrontDeskPages.FieldError> errors) {
            Map<String, String> by = new LinkedHashMap<>();
            for (FrontDeskPages.FieldError e : errors) {
                by.merge(e.field(), e.message(), (a, b) -> a + "; " + b);
            }
            return new FieldMessages(by.getOrDefault("callingAeTitle", ""), by.getOrDefault("addresses", ""),
                    by.getOrDefault("calledAeTitle", ""), by.getOrDefault("certificateSubject", ""),
                    by.getOrDefault("description", ""));
        }
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance peers(Actor actor, List<PeerView> peers, String done,
                List<FrontDeskPages.FieldError> errors, FieldMessages fields, Draft draft);
    }

    @Inject
    DimsePeerService registry;

    @Inject
    Validator validator;

    @Inject
    Actors actors;

    @GET
    public TemplateInstance list(@QueryParam("done") String done) {
        String notice = switch (done == null ? "" : done) {
            case "added" -> "The node was registered: its next association is checked against this entry.";
            case "removed" -> "The node was removed: its next association is refused.";
            default -> "";
        };
        return page(notice, List.of(), EMPTY);
    }

    /** Registers a node; a mistake (or a calling AE title already registered) brings the form back as typed. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response add(@FormParam("callingAeTitle") String callingAeTitle, @FormParam("addresses") String addresses,
            @FormParam("calledAeTitle") String calledAeTitle,
            @FormParam("certificateSubject") String certificateSubject,
            @FormParam("description") String description) {
        Draft draft = new Draft(typed(callingAeTitle), typed(addresses), typed(calledAeTitle),
                typed(certificateSubject), typed(description));
        DimsePeerRequest request = new DimsePeerRequest(draft.callingAeTitle().strip(),
                blankToNull(draft.calledAeTitle()), addressList(draft.addresses()),
                blankToNull(draft.certificateSubject()), draft.description().strip());
        List<FrontDeskPages.FieldError> errors = validator.validate(request).stream()
                .map(v -> new FrontDeskPages.FieldError(field(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        if (errors.isEmpty()) {
            try {
                registry.create(actors.current(), request).await().indefinitely();
                return Response.seeOther(URI.create("/admin/dimse/peers?done=added")).build();
            } catch (ProblemException e) {
                errors = errors(e.problem());
            }
        }
        return Response.status(400).entity(page("", errors, draft)).build();
    }

    /** Removes a node, only with the confirmation ticked: its next association is refused. */
    @POST
    @Path("/{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response remove(@PathParam("id") String id, @FormParam("confirm") String confirm) {
        try {
            Confirmation.require(confirm, "the node can no longer send images");
            registry.delete(actors.current(), ProblemException.idOrNotFound(id)).await().indefinitely();
            return Response.seeOther(URI.create("/admin/dimse/peers?done=removed")).build();
        } catch (ProblemException e) {
            return Response.status(e.problem().status()).entity(page("", errors(e.problem()), EMPTY)).build();
        }
    }

    private TemplateInstance page(String done, List<FrontDeskPages.FieldError> errors, Draft draft) {
        Actor actor = actors.current();
        List<PeerView> peers = registry.list(actor).await().indefinitely().stream().map(DimsePeerPages::view)
                .toList();
        List<FrontDeskPages.FieldError> ordered = errors.stream()
                .sorted(Comparator.comparingInt(e -> order(e.field()))).toList();
        return Templates.peers(actor, peers, done, ordered.stream().map(DimsePeerPages::readable).toList(),
                FieldMessages.of(ordered), draft);
    }

    private static PeerView view(DimsePeer peer) {
        return new PeerView(peer.id().toString(), peer.callingAeTitle(), peer.addresses(), peer.calledAeTitle(),
                peer.certificateSubject().orElse(""), peer.description() == null ? "" : peer.description(),
                Words.time(peer.createdAt()));
    }

    /**
     * The service's problem by field; a calling AE title already registered (a conflict, without fields) belongs
     * beside the calling AE title.
     */
    private static List<FrontDeskPages.FieldError> errors(Problem problem) {
        if (problem.status() == 409 && (problem.violations() == null || problem.violations().isEmpty())) {
            return List.of(new FrontDeskPages.FieldError("callingAeTitle", problem.detail()));
        }
        return FrontDeskPages.errors(problem).stream()
                .map(e -> new FrontDeskPages.FieldError(field(e.field()), e.message())).toList();
    }

    /** The summary above the form names each field as the form does. */
    private static FrontDeskPages.FieldError readable(FrontDeskPages.FieldError e) {
        return new FrontDeskPages.FieldError(LABELS.getOrDefault(e.field(), ""), e.message());
    }

    /** A property path ({@code addresses[1].<list element>}) as the form field it came from. */
    private static String field(String path) {
        if (path == null) {
            return "";
        }
        int end = path.length();
        for (char c : new char[]{'[', '.'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return path.substring(0, end);
    }

    private static int order(String field) {
        int i = List.copyOf(LABELS.keySet()).indexOf(field);
        return i < 0 ? LABELS.size() : i;
    }

    /** Addresses and ranges as typed: one per line, or separated by commas or spaces. */
    private static List<String> addressList(String typed) {
        return Arrays.stream(typed.split("[\\s,;]+")).filter(a -> !a.isBlank()).toList();
    }

    private static Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("callingAeTitle", "Calling AE title");
        labels.put("addresses", "Addresses");
        labels.put("calledAeTitle", "Called AE title");
        labels.put("certificateSubject", "Certificate subject");
        labels.put("description", "Description");
        labels.put("confirm", "Confirmation");
        return labels;
    }

    private static String typed(String value) {
        return value == null ? "" : value;
    }

    private static String blankToNull(String value) {
        return value.isBlank() ? null : value.strip();
    }
}
