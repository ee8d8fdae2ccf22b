-- After a run: seal the rest, then recompute the chain in SQL (positions without gaps, each entry following the one
-- before it, each hash matching its content) and print what was found.
SELECT portal.audit_seal(100000000, true) AS sealed_after_run \gset
WITH chain AS (
    SELECT seq, prev_hash, hash, lag(hash) OVER (ORDER BY seq) AS before, lag(seq) OVER (ORDER BY seq) AS seq_before,
        sha256(prev_hash || convert_to(portal.audit_canonical(seq, at, actor, action, outcome, entity, detail),
            'UTF8')) AS recomputed
    FROM portal.audit_event)
SELECT count(*) AS entries,
    count(*) FILTER (WHERE seq IS NULL) AS unsealed,
    count(*) FILTER (WHERE seq_before IS NOT NULL AND seq <> seq_before + 1) AS gaps,
    count(*) FILTER (WHERE before IS NOT NULL AND prev_hash <> before) AS unlinked,
    count(*) FILTER (WHERE hash <> recomputed) AS altered,
    :sealed_after_run AS left_for_the_last_seal
FROM chain;
