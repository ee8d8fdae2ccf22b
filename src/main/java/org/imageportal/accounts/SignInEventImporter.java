package org.imageportal.accounts;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.IdentityConfig;
import org.jboss.logging.Logger;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Copies sign-in and administrative events from Keycloak into the audit trail, oldest first, from where the last
 * run stopped. The cursor moves in the same transaction as the entries it covers, so an event is copied exactly
 * once even when a run fails half-way; with several portal instances, the one holding the cursor's row lock copies.
 * Blocking (Keycloak's admin API).
 */
@ApplicationScoped
public class SignInEventImporter {

    private static final Logger LOG = Logger.getLogger(SignInEventImporter.class);
    private static final int PAGE = 200;
    private static final List<String> USER_EVENTS = List.of("LOGIN", "LOGIN_ERROR", "LOGOUT", "UPDATE_PASSWORD",
            "RESET_PASSWORD", "UPDATE_TOTP", "REMOVE_TOTP", "UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL",
            "USER_DISABLED_BY_PERMANENT_LOCKOUT", "USER_DISABLED_BY_TEMPORARY_LOCKOUT");

    /** One event of either stream, reduced to what the cursor and the trail need. */
    private record Item(String id, long time, SignInEvents.Audit audit) {
    }

    private final Keycloak keycloak;
    private final IdentityConfig config;
    private final Pool pool;
    private final AuditTrail audit;
    private final Clock clock;

    SignInEventImporter(Keycloak keycloak, IdentityConfig config, Pool pool, AuditTrail audit, Clock clock) {
        this.keycloak = keycloak;
        this.config = config;
        this.pool = pool;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(every = "${portal.identity.sign-in-events-every}", delayed = "20s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            importNow();
        } catch (RuntimeException e) {
            LOG.warnf("copying Keycloak's events into the audit trail failed; the next run resumes (%s)",
                    e.getClass().getSimpleName());
        }
    }

    /** Copies what is new in both streams; returns how many audit entries were written. Blocking. */
    @ActivateRequestContext
    public int importNow() {
        return copy("users:" + config.realm(), (from, first) -> {
            List<EventRepresentation> events = keycloak.realm(config.realm()).getEvents(USER_EVENTS, null, null,
                    from, clock.millis() + 60_000, null, first, PAGE, "asc");
            List<Item> items = new ArrayList<>();
            for (EventRepresentation e : events) {
                items.add(new Item(e.getId(), e.getTime(), SignInEvents.of(e).orElse(null)));
            }
            return items;
        }) + copy("admin:" + config.realm(), (from, first) -> {
            List<AdminEventRepresentation> events = keycloak.realm(config.realm()).getAdminEvents(null, null, null,
                    null, null, null, null, from, clock.millis() + 60_000, first, PAGE, "asc");
            List<Item> items = new ArrayList<>();
            for (AdminEventRepresentation e : events) {
                items.add(new Item(e.getId(), e.getTime(), SignInEvents.of(e).orElse(null)));
            }
            return items;
        });
    }

    /**
     * Copies one stream page by page from its cursor. A full page that does not move the cursor (every event in it
     * already copied, e.g. many at the cursor's millisecond) is stepped over with an offset instead of being asked
     * for again.
     */
    private int copy(String stream, java.util.function.BiFunction<Long, Integer, List<Item>> fetch) {
        pool.preparedQuery("INSERT INTO portal.identity_event_cursor (stream) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(stream)).await().indefinitely();
        int written = 0;
        int skip = 0;
        while (true) {
            var cursor = pool.preparedQuery("SELECT last_time, last_ids FROM portal.identity_event_cursor "
                    + "WHERE stream = $1").execute(Tuple.of(stream)).await().indefinitely().iterator().next();
            long lastTime = cursor.getLong("last_time");
            Set<String> lastIds = new HashSet<>(List.of(cursor.getArrayOfStrings("last_ids")));
            // Keycloak first, outside any transaction; then written only if no other instance moved the cursor
            List<Item> items = fetch.apply(lastTime, skip);
            int[] page = pool.withTransaction(tx -> tx.preparedQuery("SELECT last_time FROM "
                    + "portal.identity_event_cursor WHERE stream = $1 AND last_time = $2 FOR UPDATE SKIP LOCKED")
                    .execute(Tuple.of(stream, lastTime)).chain(rows -> rows.size() == 0
                            ? Uni.createFrom().item(new int[]{0, 0, 1})
                            : write(tx, stream, items, lastTime, lastIds)))
                    .await().indefinitely();
            written += page[0];
            if (page[1] < PAGE) {
                // the last page, or another instance at work
                return written;
            }
            skip = page[2] == 1 ? 0 : skip + PAGE;
        }
    }

    /** Writes the new ones and moves the cursor; returns {entries written, events fetched, 1 if it moved}. */
    private Uni<int[]> write(SqlClient tx, String stream, List<Item> items, long lastTime, Set<String> lastIds) {
        long newest = lastTime;
        Set<String> newestIds = new HashSet<>(lastIds);
        List<SignInEvents.Audit> entries = new ArrayList<>();
        for (Item item : items) {
            if (item.time() < lastTime || item.time() == lastTime && lastIds.contains(item.id())) {
                continue;
            }
            if (item.audit() != null) {
                entries.add(item.audit());
            }
            if (item.time() > newest) {
                newest = item.time();
                newestIds.clear();
            }
            newestIds.add(item.id());
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SignInEvents.Audit a : entries) {
            chain = chain.chain(() -> audit.recordAt(tx, a.at(), a.actor(), a.action(), a.outcome(), a.entity(),
                    a.detail()));
        }
        long cursor = newest;
        int moved = newest != lastTime || !newestIds.equals(lastIds) ? 1 : 0;
        return chain.chain(() -> tx.preparedQuery("UPDATE portal.identity_event_cursor SET last_time = $2, "
                + "last_ids = $3 WHERE stream = $1").execute(Tuple.of(stream, cursor,
                        newestIds.toArray(
                                String[]::new))))
                .replaceWith(new int[]{entries.size(), items.size(), moved});
    }
}
