-- The database floor of a share-link opening (infra/portal load --floor): tables shaped like the portal's (the same
-- kinds of keys and the same indexes on what an opening writes), without the audit chain's trigger and lock, so
-- that opening.sql costs what PostgreSQL must spend on an opening whatever the portal does: three look-ups of the
-- link, its count with a notification and an audit entry in one durable commit, the study's instances, the
-- disclosure with its audit entry in a second durable commit. Recreated for every run in a scratch database.
DROP TABLE IF EXISTS link, audit, disclosure, notification, study, instance;
CREATE TABLE study (id uuid PRIMARY KEY, patient uuid NOT NULL, uid text NOT NULL, modalities text, description text);
CREATE TABLE instance (id uuid PRIMARY KEY, study uuid NOT NULL, sop text NOT NULL, object_key text, metadata bytea);
CREATE INDEX ON instance (study);
CREATE TABLE link (id uuid PRIMARY KEY, token_hash bytea UNIQUE NOT NULL, study uuid NOT NULL, patient uuid NOT NULL,
    opens int NOT NULL DEFAULT 0, last_opened timestamptz, created timestamptz NOT NULL DEFAULT now());
CREATE INDEX ON link (patient, created DESC);
CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), actor text, action text,
    outcome text, entity text, detail jsonb);
CREATE INDEX ON audit (at);
CREATE INDEX ON audit (actor, at);
CREATE INDEX ON audit (entity, id);
CREATE TABLE disclosure (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), patient uuid, study uuid,
    recipient text, action text, description jsonb, purpose text, basis text);
CREATE INDEX ON disclosure (basis, at DESC);
CREATE INDEX ON disclosure (patient, at DESC);
CREATE TABLE notification (id bigserial PRIMARY KEY, patient uuid, at timestamptz NOT NULL DEFAULT now(), body text);
-- 100 studies of 4 instances (about 3 kB of sealed metadata each), 2,000 links
INSERT INTO study SELECT md5(i::text)::uuid, md5('p' || i)::uuid, '1.2.3.' || i, 'CT', 'study'
    FROM generate_series(1, 100) i;
INSERT INTO instance SELECT md5('i' || i)::uuid, md5((i % 100 + 1)::text)::uuid, '1.2.3.4.' || i, 'k' || i,
    decode(repeat('ab', 1500), 'hex') FROM generate_series(1, 400) i;
INSERT INTO link (id, token_hash, study, patient) SELECT md5('l' || i)::uuid, sha256(i::text::bytea),
    md5((i % 100 + 1)::text)::uuid, md5('p' || (i % 100 + 1))::uuid FROM generate_series(1, 2000) i;
VACUUM ANALYZE;
