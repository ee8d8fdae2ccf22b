package org.imageportal.identity;

import java.util.Optional;

/** The portal's roles, as Keycloak realm roles. Names are the realm-role names. */
public enum Role {

    PATIENT("patient"), PROVIDER("provider"), FRONTDESK("frontdesk"), PRIVACY_OFFICER("privacy-officer"), ADMIN(
            "admin"),
    /** Machines only (PACS, modalities) through the client-credentials client. */
    INGEST("ingest"),
    /** A permission, held with another role: may open a study outside any share in an emergency (break-glass). */
    BREAK_GLASS("break-glass");

    /** Constants for {@code @RolesAllowed}. */
    public static final String PATIENT_NAME = "patient";
    public static final String PROVIDER_NAME = "provider";
    public static final String FRONTDESK_NAME = "frontdesk";
    public static final String PRIVACY_OFFICER_NAME = "privacy-officer";
    public static final String ADMIN_NAME = "admin";
    public static final String INGEST_NAME = "ingest";
    public static final String BREAK_GLASS_NAME = "break-glass";

    private final String realmRole;

    Role(String realmRole) {
        this.realmRole = realmRole;
    }

    public String realmRole() {
        return realmRole;
    }

    public static Optional<Role> fromRealmRole(String name) {
        for (Role role : values()) {
            if (role.realmRole.equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
