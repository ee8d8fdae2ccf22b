-- A PatientName search is most often a prefix ("Smith*"). The trigram index finds such names, but a short prefix
-- shares its trigrams with thousands of names and PostgreSQL then rechecks them all; an ordered index on the folded
-- name reads exactly the names that start with the prefix.
CREATE INDEX study_patient_name_prefix_idx ON portal.study (lower(patient_name) text_pattern_ops);
