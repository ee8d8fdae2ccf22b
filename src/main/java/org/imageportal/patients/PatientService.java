package org.imageportal.patients;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.dicom.PatientIdentity;
import org.imageportal.identity.Actor;
import org.imageportal.patients.PatientRepository.PatientRow;
import org.imageportal.patients.PatientRepository.VerificationRow;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The patient registry as the front desk uses it: find a patient by MRN, name or birth date, and record how their
 * identity was verified in person. A verification is evidence: stored with who verified, where and when, never
 * changed. Issuing portal access or a share on a patient's behalf asks {@link #requireRecentVerification} first.
 */
@ApplicationScoped
public class PatientService {

    /** Most patients a search answers. */
    public static final int SEARCH_LIMIT = 50;
    static final int MAX_NAME_WORDS = 6;
    /** How many entries born on one day the duplicate check compares names with. */
    static final int SAME_BIRTH_DATE_LIMIT = 500;

    /** A patient as staff see them in the registry. */
    public record PatientView(UUID id, String mrn, String issuer, String name, String birthDate, String sex,
            String email, String phone, boolean hasPortalAccount, OffsetDateTime lastVerifiedAt,
            boolean verifiedWithinWindow) {
    }

    /** One recorded verification. */
    public record VerificationView(UUID id, VerificationMethod method, String documentType, String documentLast4,
            String representativeName, Relationship relationship, String authorityDocument, String verifiedBy,
            String site, String notes, OffsetDateTime verifiedAt) {

        static VerificationView of(VerificationRow r) {
            return new VerificationView(r.id(), r.method(), r.documentType(), r.documentLast4(),
                    r.representativeName(), r.relationship(), r.authorityDocument(), r.verifiedBy(), r.site(),
                    r.notes(), r.verifiedAt());
        }
    }

    private final PatientRepository patients;
    private final AuditTrail audit;
    private final PatientsConfig config;

    PatientService(PatientRepository patients, AuditTrail audit, PatientsConfig config) {
        this.patients = patients;
        this.audit = audit;
        this.config = config;
    }

    /** What a registration did: the new entry, or the entries to look at first. */
    public sealed interface Registration {
    }

    /** The patient was registered. */
    public record Registered(UUID id) implements Registration {
    }

    /**
     * Nothing registered: {@code sameMrn} holds the entries under the MRN (a registration never proceeds past them),
     * {@code similar} those born the same day with a similar name (it proceeds once the desk confirms that the
     * patient is a different person).
     */
    public record PossibleDuplicates(List<PatientView> sameMrn, List<PatientView> similar) implements Registration {
    }

    /**
     * Patients matching every given criterion. At least one is required (the registry is not browsed whole); the
     * MRN may be part of one (from three characters), the name's words may come in any order and are compared
     * without regard to accents or case; birth dates are accepted as YYYYMMDD or YYYY-MM-DD. The audit row records which criteria were used, never
     * their values.
     */
    public Uni<List<PatientView>> search(Actor actor, String mrn, String name, String birthDate) {
        String m = blankToNull(mrn);
        String n = blankToNull(name);
        String b = blankToNull(birthDate);
        if (m == null && n == null && b == null) {
            throw new ProblemException(ProblemType.VALIDATION, "search by MRN, name or birth date");
        }
        List<String> words = n == null ? List.of() : nameWords(n);
        if (n != null && (n.length() < 2 || words.isEmpty())) {
            throw new ProblemException(ProblemType.VALIDATION, "give at least two letters of the name");
        }
        if (words.size() > MAX_NAME_WORDS || (m != null && m.length() > 64) || n != null && n.length() > 200) {
            throw new ProblemException(ProblemType.VALIDATION, "search with a shorter MRN or name");
        }
        if (b != null) {
            b = b.replace("-", "");
            if (!b.matches("\\d{8}")) {
                throw new ProblemException(ProblemType.VALIDATION, "birth date as YYYY-MM-DD or YYYYMMDD");
            }
        }
        List<String> criteria = new ArrayList<>();
        if (m != null) {
            criteria.add("mrn");
        }
        if (n != null) {
            criteria.add("name");
        }
        if (b != null) {
            criteria.add("birthDate");
        }
        return patients.search(m, words, b, SEARCH_LIMIT)
                .call(found -> audit.record(actor.subject(), "patient.search", "success", "patient",
                        Map.of("criteria", String.join(",", criteria), "found", found.size())))
                .chain(this::views);
    }

    /**
     * Registers a patient before any image of theirs exists, after the duplicate check: an entry under the same MRN
     * refuses the registration; one born the same day under a similar name ({@link NameMatch}) holds it until the
     * desk states that the patient is a different person ({@code differentFrom} names every such entry). The check is audited as a search (criteria names only), the
     * registration with its entry in one transaction.
     */
    public Uni<Registration> register(Actor actor, RegistrationRequest request) {
        String mrn = request.mrn().strip();
        String birthDate = dicomBirthDate(request.birthDate());
        String name = dicomName(request.familyName(), request.givenName());
        return patients.withMrn(mrn).chain(sameMrn -> patients.bornOn(birthDate, SAME_BIRTH_DATE_LIMIT)
                .map(born -> born.stream().filter(p -> !p.mrn().equals(mrn) && NameMatch.similar(p.name(), name))
                        .limit(SEARCH_LIMIT).toList())
                .call(similar -> audit.record(actor.subject(), "patient.duplicate-check", "success", "patient",
                        Map.of("criteria", "mrn,name,birthDate", "found", sameMrn.size() + similar.size())))
                .chain(similar -> {
                    java.util.Set<UUID> ruledOut = request.differentFrom() == null
                            ? java.util.Set.of()
                            : request.differentFrom();
                    if (!sameMrn.isEmpty() || !similar.stream().allMatch(p -> ruledOut.contains(p.id()))) {
                        return views(sameMrn).chain(same -> views(similar)
                                .map(alike -> (Registration) new PossibleDuplicates(same, alike)));
                    }
                    UUID id = UUID.randomUUID();
                    return patients.pool().withTransaction(tx -> patients
                            .insert(tx, id, mrn, config.registrationIssuer().orElse(""), name, birthDate,
                                    request.sex() == null ? "" : request.sex())
                            .chain(inserted -> {
                                if (!inserted) {
                                    throw new ProblemException(ProblemType.CONFLICT,
                                            "A patient with this MRN was registered meanwhile; search for it.");
                                }
                                Map<String, Object> detail = new java.util.LinkedHashMap<>();
                                detail.put("similarShown", similar.size());
                                detail.put("confirmedDifferentPerson", !similar.isEmpty());
                                return audit.record(tx, actor.subject(), "patient.registered", "success",
                                        "patient:" + id, detail);
                            }))
                            .map(done -> (Registration) new Registered(id));
                }));
    }

    private Uni<List<PatientView>> views(List<PatientRow> rows) {
        List<Uni<PatientView>> views = rows.stream().map(this::view).toList();
        return views.isEmpty() ? Uni.createFrom().item(List.<PatientView>of()) : Uni.join().all(views).andFailFast();
    }

    /** The name as DICOM writes it ({@code Family^Given}), each part's spaces tidied. */
    static String dicomName(String family, String given) {
        String f = family == null ? "" : family.strip().replaceAll("\\s+", " ");
        String g = given == null ? "" : given.strip().replaceAll("\\s+", " ");
        return g.isEmpty() ? f : f + "^" + g;
    }

    /** YYYY-MM-DD, a real day between 1900 and today, as DICOM's YYYYMMDD. */
    static String dicomBirthDate(String value) {
        java.time.LocalDate date;
        try {
            date = java.time.LocalDate.parse(value.strip());
        } catch (java.time.format.DateTimeParseException | NullPointerException e) {
            throw ProblemException.invalid("the birth date is not a date", "birthDate",
                    "the birth date as on the calendar (YYYY-MM-DD)");
        }
        if (date.isAfter(java.time.LocalDate.now()) || date.getYear() < 1900) {
            throw ProblemException.invalid("the birth date is out of range", "birthDate",
                    "a birth date between 1900 and today");
        }
        return date.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    }

    /** The words of a name search as typed: split on spaces, commas and DICOM's separators. */
    static List<String> nameWords(String name) {
        return java.util.Arrays.stream(name.split("[\\s,^=]+")).filter(w -> !w.isEmpty()).toList();
    }

    /** The registry id of the patient whose portal account this is, if any. */
    /**
     * The registry names (DICOM person names) of the patients holding these portal accounts, by account; accounts of
     * no patient are left out. For showing who did what in the audit trail.
     */
    public Uni<java.util.Map<String, String>> namesOfAccounts(java.util.Collection<String> subjects) {
        return subjects.isEmpty() ? Uni.createFrom().item(java.util.Map.of()) : patients.namesOfAccounts(subjects);
    }

    public Uni<Optional<UUID>> patientOfAccount(String accountSubject) {
        return patients.findByAccount(accountSubject).map(found -> found.map(PatientRow::id));
    }

    /** One patient's registry entry; staff opening a record is audited (ids only). */
    public Uni<PatientView> get(Actor actor, UUID id) {
        return existing(id).call(p -> audit.record(actor.subject(), "patient.viewed", "success", "patient:" + id,
                Map.of())).chain(this::view);
    }

    public Uni<List<VerificationView>> verifications(Actor actor, UUID id) {
        return existing(id).chain(p -> patients.verifications(p.id()))
                .map(rows -> rows.stream().map(VerificationView::of).toList());
    }

    /** Records a verification (and its audit row) in one transaction. */
    public Uni<VerificationView> recordVerification(Actor actor, UUID id, VerificationRequest request) {
        checkConsistent(request);
        UUID verification = UUID.randomUUID();
        return existing(id).chain(p -> patients.pool().withTransaction(tx -> patients
                .insertVerification(tx, verification, p.id(), request, actor.subject())
                .chain(() -> audit.record(tx, actor.subject(), "identity.verified", "success",
                        "patient:" + p.id(), Map.of("verification", verification.toString(), "method",
                                request.method().name())))))
                .chain(() -> patients.verifications(id))
                .map(rows -> rows.stream().filter(r -> r.id().equals(verification)).map(VerificationView::of)
                        .findFirst().orElseThrow());
    }

    /**
     * Fails with 409 {@code identity-not-verified} unless the patient's identity was verified within the
     * configured window (default 24 h); for the steps that release access on the patient's behalf.
     */
    public Uni<Void> requireRecentVerification(UUID patient) {
        return patients.verifications(patient).invoke(rows -> {
            if (rows.isEmpty() || !recent(rows.getFirst().verifiedAt())) {
                throw new ProblemException(ProblemType.IDENTITY_NOT_VERIFIED,
                        "verify the patient's identity in person first (a verification within the last "
                                + config.verificationWindow().toHours() + " hours is required)");
            }
        }).replaceWithVoid();
    }

    /**
     * As {@link #requireRecentVerification}, except for a de-identified registry entry (the pseudonym of a
     * teaching or research copy): there is no person to verify, and its studies carry no identity to protect.
     */
    public Uni<Void> requireRecentVerificationUnlessDeidentified(UUID patient) {
        return patients.isDeidentified(patient).chain(deidentified -> deidentified
                ? Uni.createFrom().voidItem()
                : requireRecentVerification(patient));
    }

    private boolean recent(OffsetDateTime verifiedAt) {
        return verifiedAt.toInstant().isAfter(java.time.Instant.now().minus(config.verificationWindow()));
    }

    private Uni<PatientRow> existing(UUID id) {
        return patients.find(id).map(found -> found.orElseThrow(ProblemException::notFound));
    }

    private Uni<PatientView> view(PatientRow p) {
        return patients.verifications(p.id()).map(rows -> {
            OffsetDateTime last = rows.isEmpty() ? null : rows.getFirst().verifiedAt();
            return new PatientView(p.id(), p.mrn(), p.issuer(), p.name(), p.birthDate(), p.sex(), p.email(),
                    p.phone(), p.hasAccount(), last, last != null && recent(last));
        });
    }

    /** What one field cannot say alone: a representative needs who, their authority and its document. */
    private static void checkConsistent(VerificationRequest r) {
        List<Problem.Violation> violations = new ArrayList<>();
        boolean representative = r.method() == VerificationMethod.PERSONAL_REPRESENTATIVE;
        if (representative) {
            if (blankToNull(r.representativeName()) == null) {
                violations.add(new Problem.Violation("representativeName", "name the personal representative"));
            }
            if (r.relationship() == null) {
                violations.add(new Problem.Violation("relationship",
                        "say how the representative may act for the patient"));
            }
            if (blankToNull(r.authorityDocument()) == null) {
                violations.add(new Problem.Violation("authorityDocument",
                        "name the document that shows the representative's authority"));
            }
        } else if (r.representativeName() != null || r.relationship() != null || r.authorityDocument() != null) {
            violations.add(new Problem.Violation("method",
                    "representative details belong to the PERSONAL_REPRESENTATIVE method"));
        }
        if ((r.method() == VerificationMethod.GOVERNMENT_PHOTO_ID || representative)
                && (blankToNull(r.documentType()) == null || r.documentLast4() == null)) {
            violations.add(new Problem.Violation("documentType",
                    "give the photo ID's type and the last four characters of its number"));
        }
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemType.VALIDATION, "the verification is incomplete")
                    .withViolations(violations));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The entry of a registry id, as the images name it. */
    public Uni<Optional<IndexedPatient>> indexed(UUID id) {
        return patients.indexed(id);
    }

    /** The entry of a Patient ID under its issuer, as an instance names it. */
    public Uni<Optional<IndexedPatient>> indexed(String patientId, String issuer) {
        return patients.indexed(patientId, issuer);
    }

    /** The entries under a Patient ID (MRN), whatever the issuer (at most 20). */
    public Uni<List<IndexedPatient>> indexedUnder(String patientId) {
        return patients.indexedUnder(patientId);
    }

    /**
     * In an ingest's indexing transaction: the entry of the instance's identity, registered from it if the
     * registry does not know it yet (the first image of a patient from the practice's PACS).
     */
    public Uni<UUID> ensureIndexed(SqlClient tx, PatientIdentity identity) {
        return patients.ensureIndexed(tx, identity);
    }

    /** Whether the entry is the pseudonym of de-identified copies rather than a person. */
    public Uni<Boolean> isDeidentified(UUID patient) {
        return patients.isDeidentified(patient);
    }

    /** In a de-identified copy's transaction: its registry entry marked as a pseudonym, no person to verify. */
    public Uni<Void> markDeidentified(SqlClient tx, UUID patient) {
        return patients.markDeidentified(tx, patient);
    }
}
