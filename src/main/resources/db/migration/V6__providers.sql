-- Referring physicians: invited by an administrator or the privacy officer; each has a Keycloak account
-- with the provider role, found here by that account. The NPI identifies the physician across practices.
CREATE TABLE portal.provider (
    id              uuid PRIMARY KEY,
    account_subject text NOT NULL UNIQUE,
    name            text NOT NULL,
    npi             text NOT NULL UNIQUE CHECK (npi ~ '^[0-9]{10}$'),
    organisation    text NOT NULL,
    email           text NOT NULL,
    invited_by      text NOT NULL,
    invited_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_name_idx ON portal.provider (lower(name) text_pattern_ops);
