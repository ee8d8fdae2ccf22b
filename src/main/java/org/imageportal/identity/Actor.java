package org.imageportal.identity;

import java.util.Set;

/**
 * Who is asking: the one view of the caller that services and the access policy use.
 *
 * @param subject Keycloak's stable user id ({@code sub})
 * @param username sign-in name
 * @param displayName name to greet the person with
 * @param roles the portal roles the caller holds
 * @param mfa whether this sign-in included the one-time code
 * @param machine a client-credentials service account (PACS/modality), not a person
 */
public record Actor(String subject, String username, String displayName, Set<Role> roles, boolean mfa,
        boolean machine) {

    public Actor {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** People must have used their second factor; machines authenticate with a client secret instead. */
    public boolean satisfiesMfaRule() {
        return machine || mfa;
    }
}
