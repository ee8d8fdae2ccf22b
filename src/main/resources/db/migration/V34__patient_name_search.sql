-- Finding a patient as people type them: without regard to accents or case, the parts of the name in any order, part
-- of the MRN. unaccent and pg_trgm ship with PostgreSQL (contrib) and are trusted extensions, so the database's owner
-- creates them. folded() is the one folding both sides of a name comparison use; the trigram indexes serve the
-- "contains" searches.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA portal;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA portal;

CREATE FUNCTION portal.folded(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(portal.unaccent('portal.unaccent'::regdictionary, translate($1, '^=', '  '))) $$;

CREATE INDEX patient_folded_name_trgm_idx ON portal.patient USING gin (portal.folded(name) portal.gin_trgm_ops);
CREATE INDEX patient_mrn_trgm_idx ON portal.patient USING gin (lower(patient_id) portal.gin_trgm_ops);
