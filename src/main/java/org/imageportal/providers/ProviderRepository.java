package org.imageportal.providers;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL for the referring physicians the practice has invited. */
@ApplicationScoped
public class ProviderRepository {

    private final Pool pool;

    ProviderRepository(Pool pool) {
        this.pool = pool;
    }

    record ProviderRow(UUID id, String accountSubject, String name, String npi, String organisation, String email,
            String invitedBy, OffsetDateTime invitedAt) {
    }

    Pool pool() {
        return pool;
    }

    Uni<Boolean> npiTaken(String npi) {
        return pool.preparedQuery("SELECT 1 FROM portal.provider WHERE npi = $1").execute(Tuple.of(npi))
                .map(rows -> rows.size() > 0);
    }

    Uni<Void> insert(SqlClient tx, UUID id, String subject, String name, InviteProviderRequest r, String invitedBy) {
        return tx.preparedQuery("INSERT INTO portal.provider (id, account_subject, name, npi, organisation, email, "
                + "invited_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(List.of(id, subject, name, r.npi(), r.organisation(), r.email(), invitedBy)))
                .replaceWithVoid();
    }

    Uni<List<ProviderRow>> list(int limit) {
        return select("ORDER BY invited_at DESC, id LIMIT $1", Tuple.of(limit));
    }

    Uni<Optional<ProviderRow>> find(UUID id) {
        return select("WHERE id = $1", Tuple.of(id)).map(rows -> rows.stream().findFirst());
    }

    Uni<Optional<ProviderRow>> findByAccount(String subject) {
        return select("WHERE account_subject = $1", Tuple.of(subject)).map(rows -> rows.stream().findFirst());
    }

    Uni<List<ProviderRow>> byAccounts(java.util.Collection<String> subjects) {
        return select("WHERE account_subject = ANY($1)", Tuple.of(subjects.toArray(String[]::new)));
    }

    Uni<List<ProviderRow>> search(String text, int limit) {
        return select("WHERE strpos(lower(name), lower($1)) > 0 OR strpos(lower(organisation), lower($1)) > 0 "
                + "ORDER BY name, id LIMIT $2", Tuple.of(text, limit));
    }

    private Uni<List<ProviderRow>> select(String rest, Tuple params) {
        return pool.preparedQuery("SELECT * FROM portal.provider " + rest).execute(params).map(rows -> {
            List<ProviderRow> out = new ArrayList<>();
            rows.forEach(r -> out.add(new ProviderRow(r.getUUID("id"), r.getString("account_subject"),
                    r.getString("name"), r.getString("npi"), r.getString("organisation"), r.getString("email"),
                    r.getString("invited_by"), r.getOffsetDateTime("invited_at"))));
            return out;
        });
    }
}
