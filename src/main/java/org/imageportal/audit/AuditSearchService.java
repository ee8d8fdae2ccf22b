package org.imageportal.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditChain.Entry;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Searches the audit trail (by patient, user, time and action) and reads runs of it for export. Looking at the
 * audit trail is itself audited.
 */
@ApplicationScoped
public class AuditSearchService {

    /**
     * What to look for; every part optional. {@code patient}: entries about the patient or their studies;
     * {@code actors}: entries by any of these (an empty set finds nothing), e.g. everyone of a name or a role.
     */
    public record Criteria(UUID patient, String actor, Set<String> actors, Instant from, Instant to, String action,
            int limit) {

        public Criteria(UUID patient, String actor, Instant from, Instant to, String action, int limit) {
            this(patient, actor, null, from, to, action, limit);
        }
    }

    /** An entry as the privacy officer reads it (detail as JSON text). */
    public record Found(long seq, Instant at, String actor, String action, String outcome, String entity,
            String detail) {
    }

    static final String COLUMNS = "seq, id, at, actor, action, outcome, entity, detail::text AS detail, prev_hash, hash";

    private final Pool pool;
    private final AuditTrail audit;
    private final AuditSealer sealer;

    AuditSearchService(Pool pool, AuditTrail audit, AuditSealer sealer) {
        this.pool = pool;
        this.audit = audit;
        this.sealer = sealer;
    }

    /**
     * Where a page of the trail starts: {@code before} a position (the next older entries) or {@code after} one (the
     * next newer entries), or neither (the newest). Positions are the entries' places in the chain.
     */
    public record Position(Long before, Long after) {

        public static final Position NEWEST = new Position(null, null);

        public static Position olderThan(long seq) {
            return new Position(seq, null);
        }

        public static Position newerThan(long seq) {
            return new Position(null, seq);
        }
    }

    /** A page of the trail, newest first, and whether there are older and newer entries matching beyond it. */
    public record Page(List<Found> entries, boolean older, boolean newer) {
    }

    public Uni<List<Found>> search(String viewer, Criteria c) {
        return page(viewer, c, Position.NEWEST).map(Page::entries);
    }

    /**
     * A page of at most {@code c.limit()} entries matching {@code c}, newest first, from {@code at} on: keyset paging
     * by the entry's place in the chain, so that entries appended while someone pages neither shift the pages nor
     * repeat on them.
     */
    public Uni<Page> page(String viewer, Criteria c, Position at) {
        boolean forward = at.after() != null;
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM portal.audit_event WHERE seq IS NOT NULL")
                .append(where(c, params));
        if (at.before() != null) {
            params.add(at.before());
            sql.append(" AND seq < $").append(params.size());
        }
        if (forward) {
            params.add(at.after());
            sql.append(" AND seq > $").append(params.size());
        }
        // one more than asked for tells whether the trail goes on in that direction
        params.add(c.limit() + 1);
        sql.append(" ORDER BY seq ").append(forward ? "ASC" : "DESC").append(" LIMIT $").append(params.size());
        // what was appended up to now is sealed first, so the search finds it with its position
        return sealer.seal().chain(() -> pool.preparedQuery(sql.toString()).execute(Tuple.from(params)))
                .map(rows -> {
                    List<Found> out = new ArrayList<>();
                    for (Row r : rows) {
                        Entry e = entry(r);
                        out.add(new Found(e.seq(), e.at().toInstant(), e.actor(), e.action(), e.outcome(),
                                e.entity(), e.detail()));
                    }
                    return out;
                }).chain(found -> {
                    boolean more = found.size() > c.limit();
                    List<Found> shown = new ArrayList<>(more ? found.subList(0, c.limit()) : found);
                    if (forward) {
                        java.util.Collections.reverse(shown);
                    }
                    if (shown.isEmpty()) {
                        // nothing beyond the position: the way back is the only way
                        return Uni.createFrom().item(new Page(List.of(), forward, at.before() != null));
                    }
                    // beyond the other end of the page: asked for only when it came from there
                    Uni<Boolean> beyond = forward
                            ? exists(c, " AND seq < $", shown.getLast().seq())
                            : at.before() == null
                                    ? Uni.createFrom().item(false)
                                    : exists(c, " AND seq > $", shown.getFirst().seq());
                    return beyond.map(other -> forward
                            ? new Page(List.copyOf(shown), other, more)
                            : new Page(List.copyOf(shown), more, other));
                }).call(page -> audit.record(viewer, "audit.search", "success", "audit", Map.of("criteria",
                        String.join(",", Arrays.asList(c.patient() != null ? "patient" : null, c.actor() != null
                                ? "actor"
                                : null, c.actors() != null ? "actors" : null, c.from() != null ? "from" : null,
                                c.to() != null ? "to" : null,
                                c.action() != null ? "action" : null).stream().filter(s -> s != null).toList()),
                        "found", page.entries().size())));
    }

    /** Whether an entry matching {@code c} lies beyond {@code seq} ({@code condition} compares seq to it). */
    private Uni<Boolean> exists(Criteria c, String condition, long seq) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT EXISTS (SELECT 1 FROM portal.audit_event WHERE seq IS NOT NULL")
                .append(where(c, params));
        params.add(seq);
        sql.append(condition).append(params.size()).append(")");
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** The criteria as conditions ({@code " AND ..."}), their values added to {@code params}. */
    private static String where(Criteria c, List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (c.patient() != null) {
            params.add("patient:" + c.patient());
            params.add(c.patient());
            where.append(" AND (entity = $").append(params.size() - 1).append(" OR entity IN (SELECT 'study:' || s.id ")
                    .append("FROM portal.study s WHERE s.patient_ref = $").append(params.size())
                    .append(" UNION ALL SELECT 'study:' || t.study_id FROM portal.study_tombstone t WHERE t.patient_ref = $")
                    .append(params.size()).append("))");
        }
        if (c.actor() != null) {
            params.add(c.actor());
            where.append(" AND actor = $").append(params.size());
        }
        if (c.actors() != null) {
            params.add(c.actors().toArray(String[]::new));
            where.append(" AND actor = ANY($").append(params.size()).append(")");
        }
        if (c.from() != null) {
            params.add(c.from().atOffset(ZoneOffset.UTC));
            where.append(" AND at >= $").append(params.size());
        }
        if (c.to() != null) {
            params.add(c.to().atOffset(ZoneOffset.UTC));
            where.append(" AND at < $").append(params.size());
        }
        if (c.action() != null) {
            // an exact action, or a family: "study" finds study.retrieve, study.download, ...
            params.add(c.action());
            params.add(c.action() + ".%");
            where.append(" AND (action = $").append(params.size() - 1).append(" OR action LIKE $").append(params.size())
                    .append(")");
        }
        return where.toString();
    }

    /**
     * Everyone who appears in the trail as the one who acted in entries matching {@code c} (its actors and limit
     * aside), at most {@code limit}: the set a search by a person's name or role is resolved against. Without
     * criteria it walks the actor index one distinct value at a time.
     */
    public Uni<List<String>> actors(Criteria c, int limit) {
        List<Object> params = new ArrayList<>();
        String where = where(new Criteria(c.patient(), c.actor(), null, c.from(), c.to(), c.action(), limit), params);
        params.add(limit);
        String sql = where.isEmpty()
                ? "WITH RECURSIVE a(actor) AS ((SELECT actor FROM portal.audit_event ORDER BY actor LIMIT 1) "
                        + "UNION ALL SELECT (SELECT e.actor FROM portal.audit_event e WHERE e.actor > a.actor "
                        + "ORDER BY e.actor LIMIT 1) FROM a WHERE a.actor IS NOT NULL) SELECT actor FROM a "
                        + "WHERE actor IS NOT NULL LIMIT $1"
                : "SELECT DISTINCT actor FROM portal.audit_event WHERE TRUE" + where + " LIMIT $"
                        + params.size();
        return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add(r.getString(0)));
            return out;
        });
    }

    /** Sealed entries after {@code afterSeq}, in chain order, for export. */
    public Uni<List<Entry>> run(long afterSeq, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM portal.audit_event WHERE seq > $1 ORDER BY seq LIMIT $2")
                .execute(Tuple.of(afterSeq, limit)).map(rows -> {
                    List<Entry> out = new ArrayList<>();
                    rows.forEach(r -> out.add(entry(r)));
                    return out;
                });
    }

    /** One entry by its place in the chain. */
    public Uni<Entry> at(long seq) {
        return run(seq - 1, 1).map(found -> found.isEmpty() || found.getFirst().seq() != seq
                ? null
                : found.getFirst());
    }

    static Entry entry(Row r) {
        return new Entry(r.getLong("seq"), r.getLong("id"), r.getOffsetDateTime("at"), r.getString("actor"),
                r.getString("action"), r.getString("outcome"), r.getString("entity"), r.getString("detail"),
                r.getBuffer("prev_hash").getBytes(), r.getBuffer("hash").getBytes());
    }
}
