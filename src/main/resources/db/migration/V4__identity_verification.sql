-- Patient registry contact details and the front desk's identity verifications. A verification is
-- evidence: the app role may add and read it, never change or remove it.
ALTER TABLE portal.patient ADD COLUMN email text;
ALTER TABLE portal.patient ADD COLUMN phone text;
CREATE INDEX patient_name_idx ON portal.patient (lower(name) text_pattern_ops);
CREATE INDEX patient_birth_date_idx ON portal.patient (birth_date);

CREATE TABLE portal.identity_verification (
    id                    uuid PRIMARY KEY,
    patient_ref           uuid NOT NULL REFERENCES portal.patient (id),
    method                text NOT NULL CHECK (method IN ('GOVERNMENT_PHOTO_ID', 'TWO_IDENTIFIERS_AND_PHOTO_ON_FILE',
                                                          'KNOWN_PERSONALLY', 'PERSONAL_REPRESENTATIVE')),
    document_type         text,
    -- never the whole document number: at most its last four characters
    document_last4        text CHECK (document_last4 ~ '^[A-Za-z0-9]{1,4}$'),
    representative_name   text,
    relationship          text CHECK (relationship IN ('PARENT', 'GUARDIAN', 'POWER_OF_ATTORNEY',
                                                       'OTHER_LEGAL_REPRESENTATIVE')),
    authority_document    text,
    verified_by           text NOT NULL,
    site                  text NOT NULL,
    notes                 text NOT NULL DEFAULT '',
    verified_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (method <> 'PERSONAL_REPRESENTATIVE'
           OR (representative_name IS NOT NULL AND relationship IS NOT NULL AND authority_document IS NOT NULL))
);
CREATE INDEX identity_verification_patient_idx ON portal.identity_verification (patient_ref, verified_at DESC);
REVOKE UPDATE, DELETE ON portal.identity_verification FROM ${app_role};
