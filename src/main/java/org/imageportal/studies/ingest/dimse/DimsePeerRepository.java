package org.imageportal.studies.ingest.dimse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for the AE registry. */
@ApplicationScoped
public class DimsePeerRepository {

    private static final String COLUMNS = "id, calling_ae_title, called_ae_title, addresses, certificate_subject, "
            + "description, created_at, updated_at";

    private final Pool pool;

    DimsePeerRepository(Pool pool) {
        this.pool = pool;
    }

    Pool pool() {
        return pool;
    }

    Uni<List<DimsePeer>> list() {
        return select("ORDER BY calling_ae_title", Tuple.tuple());
    }

    Uni<Optional<DimsePeer>> find(UUID id) {
        return select("WHERE id = $1", Tuple.of(id)).map(rows -> rows.stream().findFirst());
    }

    Uni<Optional<DimsePeer>> findByCallingAeTitle(String callingAeTitle) {
        return select("WHERE calling_ae_title = $1", Tuple.of(callingAeTitle)).map(rows -> rows.stream().findFirst());
    }

    static AuditTrail.Change insert(UUID id, String calling, String called, List<String> addresses, String subject,
            String description) {
        return new AuditTrail.Change("INSERT INTO portal.dimse_peer (id, calling_ae_title, called_ae_title, "
                + "addresses, certificate_subject, description) VALUES ($1, $2, $3, $4, $5, $6)",
                Arrays.asList(id, calling, called, addresses.toArray(String[]::new), subject, description));
    }

    static AuditTrail.Change update(UUID id, String calling, String called, List<String> addresses, String subject,
            String description) {
        return new AuditTrail.Change("UPDATE portal.dimse_peer SET calling_ae_title = $2, called_ae_title = $3, "
                + "addresses = $4, certificate_subject = $5, description = $6, updated_at = now() WHERE id = $1",
                Arrays.asList(id, calling, called, addresses.toArray(String[]::new), subject, description));
    }

    static AuditTrail.Change delete(UUID id) {
        return new AuditTrail.Change("DELETE FROM portal.dimse_peer WHERE id = $1", List.of(id));
    }

    private Uni<List<DimsePeer>> select(String rest, Tuple params) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM portal.dimse_peer " + rest).execute(params)
                .map(rows -> {
                    List<DimsePeer> out = new ArrayList<>();
                    rows.forEach(row -> out.add(peer(row)));
                    return out;
                });
    }

    private static DimsePeer peer(Row row) {
        return new DimsePeer(row.getUUID("id"), row.getString("calling_ae_title"), row.getString("called_ae_title"),
                List.of(row.getArrayOfStrings("addresses")), Optional.ofNullable(row.getString("certificate_subject")),
                row.getString("description"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }
}
