-- One share-link opening's database work (pgbench script; see schema.sql). Autocommit: each statement its own
-- transaction, the two writing ones each a durable commit, as in the portal.
\set i random(1, 2000)
\set s (:i % 100) + 1
-- landing page: the link and its study
SELECT l.*, s.uid, s.modalities FROM link l JOIN study s ON s.id = l.study
    WHERE l.token_hash = sha256((:i)::text::bytea);
-- access code: the link again, then its count, the patient's notification and the audit entry in one statement
SELECT l.*, s.uid, s.modalities FROM link l JOIN study s ON s.id = l.study
    WHERE l.token_hash = sha256((:i)::text::bytea);
WITH done AS (UPDATE link SET opens = opens + 1, last_opened = now() WHERE token_hash = sha256((:i)::text::bytea)
        RETURNING id, patient),
    note AS (INSERT INTO notification (patient, body) SELECT patient, 'opened' FROM done)
INSERT INTO audit (actor, action, outcome, entity, detail)
    SELECT 'link-' || id, 'LINK_OPEN', 'SUCCESS', 'link-' || id, '{"opens": 1}'::jsonb FROM done;
-- metadata: the link, the study's instances with their sealed metadata, the study, the disclosure and its audit entry
SELECT l.*, s.uid, s.modalities FROM link l JOIN study s ON s.id = l.study
    WHERE l.token_hash = sha256((:i)::text::bytea);
SELECT i.sop, i.object_key, i.metadata FROM instance i WHERE i.study = md5((:s)::text)::uuid;
SELECT patient, modalities, description FROM study WHERE id = md5((:s)::text)::uuid;
WITH d AS (INSERT INTO disclosure (patient, study, recipient, action, description, purpose, basis)
        VALUES (md5('p' || :s)::uuid, md5((:s)::text)::uuid, 'Load Recipient', 'VIEW', '{"series": 1, "instances": 4}',
            'treatment', 'AUTHORIZATION') RETURNING id)
INSERT INTO audit (actor, action, outcome, entity, detail)
    SELECT 'link-x', 'DISCLOSE', 'SUCCESS', 'disclosure-' || id, '{}'::jsonb FROM d;
