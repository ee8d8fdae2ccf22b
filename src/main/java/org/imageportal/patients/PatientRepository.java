package org.imageportal.patients;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.PatientIdentity;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for the patient registry and the identity verifications recorded at the front desk. */
@ApplicationScoped
public class PatientRepository {

    private final Pool pool;

    PatientRepository(Pool pool) {
        this.pool = pool;
    }

    Pool pool() {
        return pool;
    }

    /** A registry entry; {@code mrn} is the Patient ID under its assigning authority ({@code issuer}). */
    record PatientRow(UUID id, String mrn, String issuer, String name, String birthDate, String sex, String email,
            String phone, String accountSubject) {

        boolean hasAccount() {
            return accountSubject != null;
        }
    }

    record VerificationRow(UUID id, VerificationMethod method, String documentType, String documentLast4,
            String representativeName, Relationship relationship, String authorityDocument, String verifiedBy,
            String site, String notes, OffsetDateTime verifiedAt) {
    }

    /**
     * Patients matching every given criterion: the MRN exactly or (from three characters) containing the text, every
     * word of the name somewhere in it (in any order, without regard to accents or case: {@code portal.folded}),
     * birth date exactly (YYYYMMDD).
     */
    Uni<List<PatientRow>> search(String mrn, List<String> nameWords, String birthDate, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder("TRUE");
        if (mrn != null) {
            params.add(mrn);
            where.append(" AND (patient_id = $").append(params.size());
            if (mrn.length() >= 3) {
                params.add("%" + likeEscaped(mrn.toLowerCase(java.util.Locale.ROOT)) + "%");
                where.append(" OR lower(patient_id) LIKE $").append(params.size());
            }
            where.append(")");
        }
        for (String word : nameWords) {
            params.add(likeEscaped(word));
            where.append(" AND portal.folded(name) LIKE '%' || portal.folded($").append(params.size())
                    .append(") || '%'");
        }
        if (birthDate != null) {
            params.add(birthDate);
            where.append(" AND birth_date = $").append(params.size());
        }
        params.add(limit);
        return pool
                .preparedQuery("SELECT * FROM portal.patient WHERE " + where + " ORDER BY name, birth_date, id LIMIT $"
                        + params.size())
                .execute(Tuple.from(params)).map(PatientRepository::patients);
    }

    private static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Entries under this Patient ID, whatever their issuer. */
    Uni<List<PatientRow>> withMrn(String mrn) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE patient_id = $1 ORDER BY issuer LIMIT 20")
                .execute(Tuple.of(mrn)).map(PatientRepository::patients);
    }

    /** People (not pseudonyms) born on the day (YYYYMMDD), for the duplicate check. */
    Uni<List<PatientRow>> bornOn(String birthDate, int limit) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE birth_date = $1 AND NOT deidentified "
                + "ORDER BY name, id LIMIT $2").execute(Tuple.of(birthDate, limit)).map(PatientRepository::patients);
    }

    /** A new entry; false when the Patient ID is taken under the issuer meanwhile. */
    Uni<Boolean> insert(SqlClient tx, UUID id, String mrn, String issuer, String name, String birthDate,
            String sex) {
        return tx.preparedQuery("INSERT INTO portal.patient (id, patient_id, issuer, name, birth_date, sex) "
                + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (patient_id, issuer) DO NOTHING")
                .execute(Tuple.from(List.of(id, mrn, issuer, name, birthDate, sex))).map(rows -> rows.rowCount() == 1);
    }

    Uni<Optional<PatientRow>> find(UUID id) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> patients(rows).stream().findFirst());
    }

    /** The registry names of the patients whose portal accounts these are, by account. */
    Uni<java.util.Map<String, String>> namesOfAccounts(java.util.Collection<String> subjects) {
        return pool.preparedQuery("SELECT account_subject, name FROM portal.patient WHERE account_subject = ANY($1)")
                .execute(Tuple.of(subjects.toArray(String[]::new))).map(rows -> {
                    java.util.Map<String, String> out = new java.util.HashMap<>();
                    rows.forEach(r -> out.put(r.getString("account_subject"), r.getString("name")));
                    return out;
                });
    }

    /** The patient whose portal account this is. */
    Uni<Optional<PatientRow>> findByAccount(String subject) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE account_subject = $1").execute(Tuple.of(subject))
                .map(rows -> patients(rows).stream().findFirst());
    }

    Uni<Void> insertVerification(SqlClient tx, UUID id, UUID patient, VerificationRequest r, String verifiedBy) {
        return tx.preparedQuery("INSERT INTO portal.identity_verification (id, patient_ref, method, document_type, "
                + "document_last4, representative_name, relationship, authority_document, verified_by, site, notes) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .execute(Tuple.from(new Object[]{id, patient, r.method().name(), r.documentType(), r.documentLast4(),
                        r.representativeName(), r.relationship() == null ? null : r.relationship().name(),
                        r.authorityDocument(), verifiedBy, r.site(), r.notes() == null ? "" : r.notes()}))
                .replaceWithVoid();
    }

    /** Links the patient to their new portal account; false if they already had one. */
    Uni<Boolean> linkAccount(SqlClient tx, UUID patient, String subject, String email) {
        return tx.preparedQuery("UPDATE portal.patient SET account_subject = $2, email = $3 "
                + "WHERE id = $1 AND account_subject IS NULL").execute(Tuple.of(patient, subject, email))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Whether the entry is the pseudonym of de-identified copies (no person behind it to verify). */
    Uni<Boolean> isDeidentified(UUID patient) {
        return pool.preparedQuery("SELECT deidentified FROM portal.patient WHERE id = $1").execute(Tuple.of(patient))
                .map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean(0));
    }

    Uni<Void> markDeidentified(SqlClient tx, UUID patient) {
        return tx.preparedQuery("UPDATE portal.patient SET deidentified = true WHERE id = $1")
                .execute(Tuple.of(patient)).replaceWithVoid();
    }

    /** The patient's verifications, newest first. */
    Uni<List<VerificationRow>> verifications(UUID patient) {
        return pool.preparedQuery("SELECT * FROM portal.identity_verification WHERE patient_ref = $1 "
                + "ORDER BY verified_at DESC, id LIMIT 100").execute(Tuple.of(patient)).map(rows -> {
                    List<VerificationRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new VerificationRow(r.getUUID("id"),
                            VerificationMethod.valueOf(r.getString("method")), r.getString("document_type"),
                            r.getString("document_last4"), r.getString("representative_name"),
                            r.getString("relationship") == null
                                    ? null
                                    : Relationship.valueOf(r.getString("relationship")),
                            r.getString("authority_document"), r.getString("verified_by"), r.getString("site"),
                            r.getString("notes"), r.getOffsetDateTime("verified_at"))));
                    return out;
                });
    }

    private static List<PatientRow> patients(RowSet<Row> rows) {
        List<PatientRow> out = new ArrayList<>();
        rows.forEach(r -> out.add(new PatientRow(r.getUUID("id"), r.getString("patient_id"), r.getString("issuer"),
                r.getString("name"), r.getString("birth_date"), r.getString("sex"), r.getString("email"),
                r.getString("phone"), r.getString("account_subject"))));
        return out;
    }

    // ------------------------------------------------------------------ as the images name them

    Uni<Optional<IndexedPatient>> indexed(String patientId, String issuer) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE patient_id = $1 AND issuer = $2")
                .execute(Tuple.of(patientId, issuer)).map(PatientRepository::firstIndexed);
    }

    Uni<Optional<IndexedPatient>> indexed(UUID id) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE id = $1").execute(Tuple.of(id))
                .map(PatientRepository::firstIndexed);
    }

    /** Patients under a Patient ID, whatever the issuer. */
    Uni<List<IndexedPatient>> indexedUnder(String patientId) {
        return pool.preparedQuery("SELECT * FROM portal.patient WHERE patient_id = $1 ORDER BY issuer LIMIT 20")
                .execute(Tuple.of(patientId)).map(rows -> {
                    List<IndexedPatient> out = new ArrayList<>();
                    rows.forEach(r -> out.add(indexedPatient(r)));
                    return out;
                });
    }

    private static Optional<IndexedPatient> firstIndexed(RowSet<Row> rows) {
        if (rows.rowCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(indexedPatient(rows.iterator().next()));
    }

    private static IndexedPatient indexedPatient(Row r) {
        return new IndexedPatient(r.getUUID("id"), new PatientIdentity(r.getString("patient_id"), r.getString("issuer"),
                r.getString("name"), r.getString("birth_date"), r.getString("sex")));
    }

    /** Returns the patient id, inserting the patient from the instance's identity if not known yet. */
    Uni<UUID> ensureIndexed(SqlClient tx, PatientIdentity identity) {
        return tx.preparedQuery("INSERT INTO portal.patient (id, patient_id, issuer, name, birth_date, sex) "
                + "VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (patient_id, issuer) DO NOTHING")
                .execute(Tuple.from(List.of(UUID.randomUUID(), identity.patientId(), identity.issuer(),
                        identity.name(), identity.birthDate(), identity.sex())))
                .chain(() -> tx.preparedQuery("SELECT id FROM portal.patient WHERE patient_id = $1 AND issuer = $2")
                        .execute(Tuple.of(identity.patientId(), identity.issuer())))
                .map(rows -> rows.iterator().next().getUUID("id"));
    }
}
