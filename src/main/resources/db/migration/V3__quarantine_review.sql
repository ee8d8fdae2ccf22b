-- What staff need to review a quarantined instance: the identity the file carries (the instance is held because
-- it differs from its study's or patient's) and the patient the portal would propose on release, if any.
ALTER TABLE portal.instance ADD COLUMN held_identity jsonb;
ALTER TABLE portal.instance ADD COLUMN proposed_patient_ref uuid REFERENCES portal.patient (id);
