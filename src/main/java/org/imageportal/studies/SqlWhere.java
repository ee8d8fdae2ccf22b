package org.imageportal.studies;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.imageportal.studies.access.StudyScope;

import io.vertx.mutiny.sqlclient.Tuple;

/** Builds a WHERE clause with numbered parameters; values never enter the SQL text. */
public final class SqlWhere {

    private final List<String> clauses = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    /** Adds a clause in which each {@code ?} is replaced by the next parameter's number. */
    public SqlWhere and(String clause, Object... values) {
        StringBuilder sql = new StringBuilder();
        int next = 0;
        for (char c : clause.toCharArray()) {
            if (c == '?') {
                params.add(values[next++]);
                sql.append('$').append(params.size());
            } else {
                sql.append(c);
            }
        }
        clauses.add(sql.toString());
        return this;
    }

    /** The access policy's scope as a condition on the study alias {@code s}. */
    public SqlWhere scope(StudyScope scope) {
        and("s.patient_ref IS NOT NULL AND s.instance_count > 0");
        return switch (scope) {
            case StudyScope.All all -> this;
            case StudyScope.OwnStudies own -> and(
                    "s.patient_ref = (SELECT p.id FROM portal.patient p WHERE p.account_subject = ?)",
                    own.accountSubject());
            case StudyScope.Granted granted -> and("s.id = ANY(?)", (Object) granted.studyIds().toArray(UUID[]::new));
            case StudyScope.Linked linked -> and("s.id = ?", linked.studyId());
            case StudyScope.Denied denied -> and("false");
        };
    }

    /**
     * The scope for a query that joins the series as {@code se}: also leaves out series a link does not cover
     * (queries of whole studies use {@link #scope} and filter their files by the same list).
     */
    public SqlWhere seriesScope(StudyScope scope) {
        scope(scope);
        if (scope instanceof StudyScope.Linked linked && linked.seriesUids() != null) {
            and("se.series_uid = ANY(?)", (Object) linked.seriesUids().toArray(String[]::new));
        }
        if (scope instanceof StudyScope.Granted granted && !granted.wholeStudies().equals(granted.studyIds())) {
            and("(s.id = ANY(?) OR se.series_uid = ANY(?))", (Object) granted.wholeStudies().toArray(UUID[]::new),
                    (Object) granted.seriesUids().toArray(String[]::new));
        }
        return this;
    }

    /** The scope for a query of instances (as {@code i}, their series as {@code se}): only releasable ones. */
    public SqlWhere instanceScope(StudyScope scope) {
        return seriesScope(scope).and(StudyScope.RELEASABLE_INSTANCE);
    }

    String sql() {
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    int nextParam() {
        return params.size() + 1;
    }

    Tuple tuple(Object... extra) {
        List<Object> all = new ArrayList<>(params);
        all.addAll(List.of(extra));
        return Tuple.from(all);
    }
}
