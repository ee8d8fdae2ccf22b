-- QIDO-RS matches PatientName with wildcards (ILIKE): a trigram index keeps a name search from reading every study.
CREATE INDEX study_patient_name_trgm_idx ON portal.study USING gin (patient_name portal.gin_trgm_ops);
