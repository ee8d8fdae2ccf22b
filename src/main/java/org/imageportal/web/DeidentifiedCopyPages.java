package org.imageportal.web;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.imageportal.archive.StudyArchiveService;
import org.imageportal.deid.DeidentifiedCopyService;
import org.imageportal.dicom.DeidentificationOption;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.patients.PatientService.PatientView;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.studies.StudySummary;
import org.imageportal.studies.access.StudyAction;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The front desk's de-identified copies for teaching and research: find the study (through the patient), choose the
 * project and what the copy keeps, then see what was copied, what was left out and why, and how to share the copy.
 * The copy is made by the same service as the API's, which decides, refuses and audits.
 */
@Path("/frontdesk/deid")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Role.FRONTDESK_NAME)
public class DeidentifiedCopyPages {

    /** One option as the form offers it: its words, what it keeps or removes, and whether it is ticked. */
    public record OptionChoice(String name, String title, String effect, boolean chosen) {
    }

    /** The form as typed: the project and the ticked options, with what is wrong, by field. */
    public record Draft(String project, String projectError, String optionsError,
            List<FrontDeskPages.FieldError> otherErrors) {
    }

    /** The study being copied, as the desk's patient page shows it, with its patient. */
    public record Source(PatientView patient, StudySummary study, boolean deidentified) {
    }

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance find(Actor actor, String mrn, String name, String birthDate,
                List<PatientView> found, String error, PatientView patient, List<StudySummary> studies);

        static native TemplateInstance form(Actor actor, Source source, Draft draft, List<OptionChoice> options,
                int projectMax);

        static native TemplateInstance made(Actor actor, Source source, String project,
                DeidentifiedCopyService.Copy copy, PatientView pseudonym, StudySummary copyStudy);
    }

    /** What a first form ticks: the desk's usual choice, dates shifted the same way for a patient in a project. */
    private static final Set<DeidentificationOption> USUAL = EnumSet
            .of(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES);

    @Inject
    DeidentifiedCopyService copies;

    @Inject
    StudyArchiveService archives;

    @Inject
    PatientService patients;

    @Inject
    Actors actors;

    /** The form for {@code study}; without it, the search for the study (and a found patient's studies). */
    @GET
    public TemplateInstance page(@QueryParam("study") String study, @QueryParam("patient") String patient) {
        Actor actor = actors.current();
        if (study != null && !study.isBlank()) {
            return form(source(actor, ProblemException.idOrNotFound(study.strip())), "", USUAL, List.of());
        }
        if (patient != null && !patient.isBlank()) {
            UUID id = ProblemException.idOrNotFound(patient.strip());
            return Templates.find(actor, "", "", "", null, null, patients.get(actor, id).await().indefinitely(),
                    archives.listForPatient(actor, id).await().indefinitely());
        }
        return Templates.find(actor, "", "", "", null, null, null, List.of());
    }

    /** The desk's patient search (posted: what identifies a patient stays out of addresses and logs). */
    @POST
    @Path("/search")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance find(@FormParam("mrn") String mrn, @FormParam("name") String name,
            @FormParam("birthDate") String birthDate) {
        Actor actor = actors.current();
        String m = trim(mrn);
        String n = trim(name);
        String b = trim(birthDate);
        try {
            return Templates.find(actor, m, n, b,
                    patients.search(actor, m, n, Readable.typedDate(b)).await().indefinitely(), null, null,
                    List.of());
        } catch (ProblemException e) {
            return Templates.find(actor, m, n, b, null, e.problem().detail(), null, List.of());
        }
    }

    /** Makes the copy; a refusal shows the form again as typed, with what is wrong next to its field. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response copy(@FormParam("study") String study, @FormParam("project") String project,
            @FormParam("options") List<String> options) {
        Actor actor = actors.current();
        if (study == null || study.isBlank()) {
            return Response.status(400).entity(Templates.find(actor, "", "", "", null,
                    "Find the study to copy first: search for its patient, then choose the study.", null, List.of()))
                    .build();
        }
        Source source = source(actor, ProblemException.idOrNotFound(study.strip()));
        String typed = project == null ? "" : project;
        Set<DeidentificationOption> chosen = EnumSet.noneOf(DeidentificationOption.class);
        List<String> unknown = new ArrayList<>();
        for (String o : options == null ? List.<String>of() : options) {
            try {
                chosen.add(DeidentificationOption.valueOf(o.strip()));
            } catch (IllegalArgumentException e) {
                unknown.add(o);
            }
        }
        if (!unknown.isEmpty()) {
            return Response.status(400).entity(form(source, typed, chosen,
                    List.of(new FrontDeskPages.FieldError("options", "choose the options from the list")))).build();
        }
        try {
            DeidentifiedCopyService.Copy copy = copies.copy(actor, new DeidentifiedCopyService.Request(
                    source.study().id(), typed, chosen, List.of()));
            PatientView pseudonym = patients.get(actor, copy.copyPatientId()).await().indefinitely();
            StudySummary copyStudy = summary(actor, copy.copyPatientId(), copy.copyStudyId());
            return Response.ok(Templates.made(actor, source, typed.strip(), copy, pseudonym, copyStudy)).build();
        } catch (ProblemException e) {
            if (e.problem().status() == 404) {
                throw e;
            }
            return Response.status(e.problem().status())
                    .entity(form(source, typed, chosen, FrontDeskPages.errors(e.problem()))).build();
        }
    }

    /** The study if the policy lets the actor de-identify it, as the desk's lists show it; else 404. */
    private Source source(Actor actor, UUID study) {
        UUID patient = archives.patientOf(actor, study, StudyAction.DEIDENTIFY).await().indefinitely()
                .orElseThrow(ProblemException::notFound);
        StudySummary summary = summary(actor, patient, study);
        return new Source(patients.get(actor, patient).await().indefinitely(), summary,
                patients.isDeidentified(patient).await().indefinitely());
    }

    private StudySummary summary(Actor actor, UUID patient, UUID study) {
        return archives.listForPatient(actor, patient).await().indefinitely().stream()
                .filter(s -> s.id().equals(study)).findFirst().orElseThrow(ProblemException::notFound);
    }

    private TemplateInstance form(Source source, String project, Set<DeidentificationOption> chosen,
            List<FrontDeskPages.FieldError> errors) {
        List<FrontDeskPages.FieldError> other = new ArrayList<>();
        String projectError = null;
        String optionsError = null;
        for (FrontDeskPages.FieldError e : errors) {
            switch (e.field()) {
                case "project" -> projectError = projectError == null
                        ? e.message()
                        : projectError + "; "
                                + e.message();
                case "options" -> optionsError = optionsError == null
                        ? e.message()
                        : optionsError + "; "
                                + e.message();
                default -> other.add(e);
            }
        }
        List<OptionChoice> choices = new ArrayList<>();
        for (DeidentificationOption o : DeidentificationOption.values()) {
            String[] words = words(o);
            choices.add(new OptionChoice(o.name(), words[0], words[1], chosen.contains(o)));
        }
        return Templates.form(actors.current(), source, new Draft(project, projectError, optionsError, other),
                choices, DeidentifiedCopyService.PROJECT_MAX);
    }

    /** What an option keeps, and what happens without it, in the desk's words. */
    static String[] words(DeidentificationOption option) {
        return switch (option) {
            case RETAIN_LONGITUDINAL_FULL_DATES -> new String[]{"Keep dates",
                    "Study, acquisition and other dates and times stay as they were; otherwise they are removed, or "
                            + "shifted if you choose that below."};
            case RETAIN_LONGITUDINAL_MODIFIED_DATES -> new String[]{"Shift dates",
                    "Every date moves by the same number of days for all of a patient's studies in the project, so "
                            + "the time between studies stays; otherwise dates are removed."};
            case RETAIN_PATIENT_CHARACTERISTICS -> new String[]{"Keep patient characteristics",
                    "Sex, age, height, weight and the like stay; otherwise they are removed."};
            case RETAIN_DEVICE_IDENTITY -> new String[]{"Keep device identity",
                    "Station names, device serial numbers and the like stay; otherwise they are removed."};
            case RETAIN_INSTITUTION_IDENTITY -> new String[]{"Keep the institution",
                    "The institution's name, address and department stay; otherwise they are removed."};
            case RETAIN_UIDS -> new String[]{"Keep the original identifiers (UIDs)",
                    "Not possible for a copy kept in the portal: it would be taken for the original study. Without "
                            + "it the identifiers are replaced, the same way each time within the project."};
            case CLEAN_DESCRIPTORS -> new String[]{"Keep cleaned descriptions",
                    "Study and series descriptions and comments stay, with the patient's name and IDs taken out of "
                            + "them; otherwise they are removed."};
            case CLEAN_STRUCTURED_CONTENT -> new String[]{"Keep cleaned structured reports",
                    "Structured content stays, with identifying items replaced; otherwise it is removed."};
            case RETAIN_SAFE_PRIVATE -> new String[]{"Keep safe private data",
                    "Vendors' private data known to be safe stays; all other private data is removed. Otherwise "
                            + "all private data is removed."};
        };
    }

    private static String trim(String value) {
        return value == null ? "" : value.strip();
    }
}
