package org.imageportal.deid;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.dicom.DeidentificationOption;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The rows of {@code portal.deid_project} and {@code portal.deid_copy}, the one class that writes them. */
@ApplicationScoped
class DeidentifiedCopyRepository {

    /** A copy's study row and its registry entry. */
    record CopyRows(UUID study, UUID patient) {
    }

    private final Pool pool;

    DeidentifiedCopyRepository(Pool pool) {
        this.pool = pool;
    }

    Pool pool() {
        return pool;
    }

    /** The study row the copy's ingest made, and the pseudonym's registry entry. */
    Uni<CopyRows> copyRows(String studyUid) {
        return pool.preparedQuery("SELECT id, patient_ref FROM portal.study WHERE study_uid = $1")
                .execute(Tuple.of(studyUid)).map(rows -> {
                    var row = rows.iterator().next();
                    return new CopyRows(row.getUUID("id"), row.getUUID("patient_ref"));
                });
    }

    /** The project's key, made ({@code fresh}) the first time the project is named. */
    Uni<byte[]> projectKey(UUID id, String name, byte[] fresh, String createdBy) {
        return pool.preparedQuery("INSERT INTO portal.deid_project (id, name, project_key, created_by) "
                + "VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING")
                .execute(Tuple.of(id, name, Buffer.buffer(fresh), createdBy))
                .chain(() -> pool.preparedQuery("SELECT project_key FROM portal.deid_project WHERE name = $1")
                        .execute(Tuple.of(name)))
                .map(rows -> rows.iterator().next().getBuffer("project_key").getBytes());
    }

    /** The copy recorded under its project, in the copy's transaction. */
    Uni<Void> insertCopy(SqlClient tx, String project, UUID sourceStudy, CopyRows copy,
            Set<DeidentificationOption> options, int instances, int excluded, String createdBy) {
        return tx.preparedQuery("INSERT INTO portal.deid_copy (id, project_ref, source_study, copy_study, options, "
                + "instances, excluded, created_by) SELECT $1, id, $3, $4, $5, $6, $7, $8 "
                + "FROM portal.deid_project WHERE name = $2")
                .execute(Tuple.from(List.of(UUID.randomUUID(), project, sourceStudy, copy.study(),
                        options.stream().map(Enum::name).sorted().toArray(String[]::new), instances, excluded,
                        createdBy)))
                .replaceWithVoid();
    }
}
