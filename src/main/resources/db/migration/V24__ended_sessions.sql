-- Page sessions signed out in the portal, by Keycloak session id (the ID token's sid): a copy of the session cookie
-- is refused by every portal instance at once, not only when its tokens expire. Rows outlive any session
-- (Keycloak's maximum session lifetime) and are then removed.
CREATE TABLE portal.ended_session (
    sid      text PRIMARY KEY CHECK (length(sid) BETWEEN 1 AND 200),
    ended_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, DELETE ON portal.ended_session TO ${app_role};
