package org.imageportal.audit;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes audit events. Events that record an action are written in the action's own transaction (pass its
 * connection), so the action cannot happen without its record. Details hold ids and reasons, never PHI values.
 * An insert takes no lock of the trail: {@link AuditSealer} chains the committed entries afterwards, each to the one
 * before it (V27); {@link AuditChainService} verifies the chain and anchors its head outside the database.
 */
@ApplicationScoped
public class AuditTrail {

    private final Pool pool;

    AuditTrail(Pool pool) {
        this.pool = pool;
    }

    /** A data change as one SQL statement (parameters $1..$n) with its parameters, to be made together with an event. */
    public record Change(String sql, java.util.List<Object> params) {

        public Change {
            params = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
        }
    }

    /**
     * Makes {@code change} and records the event in one statement (a data-modifying WITH), so in one round trip and one
     * implicit transaction: both or neither.
     */
    public Uni<Void> recordWith(SqlClient client, Change change, String actor, String action, String outcome,
            String entity, Map<String, Object> detail) {
        int n = change.params().size();
        String sql = "WITH change AS (" + change.sql() + ") INSERT INTO " + EVENT_COLUMNS + " VALUES ("
                + eventParameters(n) + ")";
        return client.preparedQuery(sql).execute(withEvent(change.params(), actor, action, outcome, entity, detail))
                .replaceWithVoid();
    }

    /** What {@link #recordIf} calls the rows its condition returned, for the change made alongside to select from. */
    public static final String DONE = "done";

    /**
     * Makes {@code condition} (an UPDATE ... RETURNING), and only for the rows it returned {@code alongside} (an INSERT
     * ... SELECT ... FROM {@value #DONE}, its own parameters numbered from $1) and the event, all in one statement:
     * one round trip, one implicit transaction. True
     * if the condition returned a row.
     */
    public Uni<Boolean> recordIf(SqlClient client, Change condition, Change alongside, String actor, String action,
            String outcome, String entity, Map<String, Object> detail) {
        int n = condition.params().size();
        String shifted = PARAMETER.matcher(alongside.sql())
                .replaceAll(p -> "\\$" + (Integer.parseInt(p.group(1)) + n));
        String sql = "WITH " + DONE + " AS (" + condition.sql() + "), alongside AS (" + shifted + ") INSERT INTO "
                + EVENT_COLUMNS + " SELECT " + eventParameters(n + alongside.params().size()) + " FROM " + DONE;
        java.util.List<Object> params = new java.util.ArrayList<>(condition.params());
        params.addAll(alongside.params());
        return client.preparedQuery(sql).execute(withEvent(params, actor, action, outcome, entity, detail))
                .map(rows -> rows.rowCount() > 0);
    }

    private static final String EVENT_COLUMNS = "portal.audit_event (actor, action, outcome, entity, detail)";
    private static final java.util.regex.Pattern PARAMETER = java.util.regex.Pattern.compile("\\$(\\d+)");

    /** The event's five values as parameters numbered after {@code after}, typed (a SELECT list infers no types). */
    private static String eventParameters(int after) {
        return "$" + (after + 1) + "::text, $" + (after + 2) + "::text, $" + (after + 3) + "::text, $" + (after + 4)
                + "::text, $" + (after + 5) + "::jsonb";
    }

    private static Tuple withEvent(java.util.List<Object> before, String actor, String action, String outcome,
            String entity, Map<String, Object> detail) {
        java.util.List<Object> params = new java.util.ArrayList<>(before);
        params.addAll(java.util.Arrays.asList(actor, action, outcome, entity, new JsonObject(detail)));
        return Tuple.from(params);
    }

    /** Records in the caller's transaction. */
    public Uni<Void> record(SqlClient tx, String actor, String action, String outcome, String entity,
            Map<String, Object> detail) {
        return tx.preparedQuery("INSERT INTO portal.audit_event (actor, action, outcome, entity, detail) "
                + "VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(actor, action, outcome, entity, new JsonObject(detail))).replaceWithVoid();
    }

    /** Records, in the caller's transaction, an event that happened at {@code at} elsewhere (e.g. in Keycloak). */
    public Uni<Void> recordAt(SqlClient tx, java.time.Instant at, String actor, String action, String outcome,
            String entity, Map<String, Object> detail) {
        return tx.preparedQuery("INSERT INTO portal.audit_event (at, actor, action, outcome, entity, detail) "
                + "VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(at.atOffset(java.time.ZoneOffset.UTC), actor, action, outcome, entity,
                        new JsonObject(detail)))
                .replaceWithVoid();
    }

    /** Records on its own (events that are not part of a database change, such as a denied request). */
    public Uni<Void> record(String actor, String action, String outcome, String entity, Map<String, Object> detail) {
        return record(pool, actor, action, outcome, entity, detail);
    }
}
