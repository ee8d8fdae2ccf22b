-- The DICOM nodes that may send images over DIMSE: a calling AE title, the addresses it may connect from (IP
-- literals or CIDR ranges, checked by the portal), the called AE title it must ask for and, optionally, the subject
-- its TLS client certificate must carry. Changes are audited alongside, in the same statement.
CREATE TABLE portal.dimse_peer (
    id                  uuid PRIMARY KEY,
    calling_ae_title    text NOT NULL UNIQUE CHECK (length(calling_ae_title) BETWEEN 1 AND 16),
    called_ae_title     text NOT NULL CHECK (length(called_ae_title) BETWEEN 1 AND 16),
    addresses           text[] NOT NULL CHECK (cardinality(addresses) BETWEEN 1 AND 64),
    certificate_subject text CHECK (length(certificate_subject) <= 1024),
    description         text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON portal.dimse_peer TO ${app_role};
