package org.imageportal.accounts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;

/**
 * What Keycloak's events mean for the audit trail. User events: sign-in ({@code auth.login}), a refused password or
 * unknown user ({@code auth.login-failed}), a refused one-time code ({@code auth.mfa-failed}: Keycloak names the
 * one-time-password credential it checked), a lockout ({@code auth.locked-out}), sign-out ({@code auth.logout}),
 * credential changes ({@code account.credential-changed}). Admin events: role mappings
 * ({@code auth.role-changed}), changes to the realm, its clients or sign-in flows ({@code config.changed}) and to
 * accounts ({@code account.changed}). Token exchanges and machine sign-ins are left out (every request of a PACS
 * would be one). Details carry ids, the client and the address, never the user name typed in.
 */
final class SignInEvents {

    /** An audit entry to write. */
    record Audit(Instant at, String actor, String action, String outcome, String entity, Map<String, Object> detail) {
    }

    private SignInEvents() {
    }

    static Optional<Audit> of(EventRepresentation e) {
        String user = e.getUserId();
        String actor = user == null ? "unknown" : user;
        String entity = user == null ? null : "account:" + user;
        Map<String, Object> detail = new LinkedHashMap<>();
        if (e.getClientId() != null) {
            detail.put("client", e.getClientId());
        }
        if (e.getIpAddress() != null) {
            detail.put("address", e.getIpAddress());
        }
        detail.put("keycloakEvent", e.getId() == null ? "" : e.getId());
        Instant at = Instant.ofEpochMilli(e.getTime());
        Map<String, String> details = e.getDetails() == null ? Map.of() : e.getDetails();
        String action;
        String outcome = "success";
        switch (e.getType()) {
            case "LOGIN" -> action = "auth.login";
            case "LOGOUT" -> action = "auth.logout";
            case "LOGIN_ERROR" -> {
                outcome = "refused";
                detail.put("reason", e.getError() == null ? "" : e.getError());
                if ("user_temporarily_disabled".equals(e.getError()) || "user_disabled".equals(e.getError())) {
                    action = "auth.locked-out";
                } else if ("invalid_user_credentials".equals(e.getError()) && user != null
                        && details.containsKey("selected_credential_id")) {
                    action = "auth.mfa-failed";
                } else {
                    action = "auth.login-failed";
                }
            }
            case "USER_DISABLED_BY_PERMANENT_LOCKOUT", "USER_DISABLED_BY_TEMPORARY_LOCKOUT" -> {
                action = "auth.locked-out";
                outcome = "refused";
            }
            case "UPDATE_PASSWORD", "RESET_PASSWORD", "UPDATE_TOTP", "REMOVE_TOTP", "UPDATE_CREDENTIAL",
                    "REMOVE_CREDENTIAL" -> {
                action = "account.credential-changed";
                detail.put("change", e.getType());
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(new Audit(at, actor, action, outcome, entity, detail));
    }

    static Optional<Audit> of(AdminEventRepresentation e) {
        String type = e.getResourceType() == null ? "" : e.getResourceType();
        String action;
        if (type.endsWith("ROLE_MAPPING")) {
            action = "auth.role-changed";
        } else if (type.equals("USER") || type.equals("GROUP_MEMBERSHIP")) {
            action = "account.changed";
        } else if (type.startsWith("REALM") || type.startsWith("CLIENT") || type.startsWith("AUTH")
                || type.startsWith("REQUIRED_ACTION") || type.startsWith("IDENTITY_PROVIDER")
                || type.startsWith("COMPONENT") || type.equals("USER_FEDERATION_PROVIDER")) {
            action = "config.changed";
        } else {
            return Optional.empty();
        }
        String actor = e.getAuthDetails() != null && e.getAuthDetails().getUserId() != null
                ? e.getAuthDetails().getUserId()
                : "unknown";
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("operation", e.getOperationType() == null ? "" : e.getOperationType());
        detail.put("resource", type);
        detail.put("path", e.getResourcePath() == null ? "" : e.getResourcePath());
        detail.put("keycloakEvent", e.getId() == null ? "" : e.getId());
        return Optional.of(new Audit(Instant.ofEpochMilli(e.getTime()), actor, action,
                e.getError() == null ? "success" : "failure", "keycloak", detail));
    }
}
