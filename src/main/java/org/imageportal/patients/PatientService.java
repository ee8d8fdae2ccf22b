package org.imageportal.patients;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.disclosures.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.patients.PatientRepository.PatientRow;
import org.imageportal.patients.PatientRepository.VerificationRow;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;

import io.smallrye.mutiny.Uni;

/**
 * The patient registry as the front desk uses it: find a patient by MRN, name or birth date, and record how their
 * identity was verified in person. A verification is evidence: stored with who verified, where and when, never
 * changed. Issuing portal access or a share on a patient's behalf asks {@link #requireRecentVerification} first.
 */
@ApplicationScoped
public class PatientService {

    static final int SEARCH_LIMIT = 50;

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

    /**
     * Patients matching every given criterion. At least one is required (the registry is not browsed whole);
     * birth dates are accepted as YYYYMMDD or YYYY-MM-DD. The audit row records which criteria were used, never
     * their values.
     */
    public Uni<List<PatientView>> search(Actor actor, String mrn, String name, String birthDate) {
        String m = blankToNull(mrn);
        String n = blankToNull(name);
        String b = blankToNull(birthDate);
        if (m == null && n == null && b == null) {
            throw new ProblemException(ProblemType.VALIDATION, "search by MRN, name or birth date");
        }
        if (n != null && n.length() < 2) {
            throw new ProblemException(ProblemType.VALIDATION, "give at least two letters of the name");
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
        return patients.search(m, n, b, SEARCH_LIMIT)
                .call(found -> audit.record(actor.subject(), "patient.search", "success", "patient",
                        Map.of("criteria", String.join(",", criteria), "found", found.size())))
                .chain(found -> {
                    List<Uni<PatientView>> views = found.stream().map(this::view).toList();
                    return views.isEmpty()
                            ? Uni.createFrom().item(List.<PatientView>of())
                            : Uni.join().all(views).andFailFast();
                });
    }

    /** The registry id of the patient whose portal account this is, if any. */
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
}
