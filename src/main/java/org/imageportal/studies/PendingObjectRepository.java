package org.imageportal.studies;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.storage.ObjectKey;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The objects in the store that no index row owns yet or any more ({@code portal.pending_object}): staged by an
 * ingest until its transaction commits, or handed over to deletion by the transaction that removed their rows. What
 * stays here past the grace period is an orphan, and the sweeper deletes it.
 */
@ApplicationScoped
public class PendingObjectRepository {

    private final Pool pool;

    PendingObjectRepository(Pool pool) {
        this.pool = pool;
    }

    /** Before an object is written: until its row commits, the object is the sweeper's if the ingest dies. */
    public Uni<Void> add(ObjectKey key) {
        return pool.preparedQuery("INSERT INTO portal.pending_object (object_key) VALUES ($1)")
                .execute(Tuple.of(key.value())).replaceWithVoid();
    }

    public Uni<Void> remove(ObjectKey key) {
        return remove(pool, key);
    }

    /** In the indexing transaction: the object is now owned by its row. */
    public Uni<Void> remove(SqlClient client, ObjectKey key) {
        return client.preparedQuery("DELETE FROM portal.pending_object WHERE object_key = $1")
                .execute(Tuple.of(key.value())).replaceWithVoid();
    }

    /** Pending objects older than the given number of seconds: orphans of an interrupted ingest. */
    public Uni<List<ObjectKey>> stale(long olderThanSeconds) {
        return pool.preparedQuery("SELECT object_key FROM portal.pending_object "
                + "WHERE created_at < now() - make_interval(secs => $1)").execute(Tuple.of((double) olderThanSeconds))
                .map(rows -> {
                    List<ObjectKey> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(new ObjectKey(r.getString(0))));
                    return keys;
                });
    }

    /**
     * Hands objects over to deletion in the caller's transaction: once it commits, the rows that owned them are
     * gone and the pending rows say the objects must go too (deleted right after, or by the sweeper).
     */
    public Uni<Void> retire(SqlClient tx, List<ObjectKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("INSERT INTO portal.pending_object (object_key) SELECT unnest($1::text[]) "
                + "ON CONFLICT DO NOTHING")
                .execute(Tuple.of((Object) keys.stream().map(ObjectKey::value).toArray(String[]::new)))
                .replaceWithVoid();
    }
}
