package org.imageportal.accounts;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.imageportal.identity.IdentityConfig;
import org.imageportal.identity.Role;
import org.jboss.logging.Logger;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * People's accounts in Keycloak, through the portal-api service account. Each kind of account gets exactly its
 * one role here; no caller can pass a role in, so a request cannot widen what an account may do (the service
 * account itself could grant any realm role). Blocking: call from worker threads.
 */
@ApplicationScoped
public class AccountService {

    private static final Logger LOG = Logger.getLogger(AccountService.class);
    /** Letters and digits that cannot be mistaken for one another when typed from paper. */
    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new account: its subject (Keycloak user id), user name and one-time activation code. */
    public record IssuedAccount(String subject, String username, String activationCode) {

        @Override
        public String toString() {
            return "IssuedAccount[subject=" + subject + "]";
        }
    }

    /** An account as Keycloak holds it, found by its user name. */
    public record Account(String subject, String username, String firstName, String lastName, String email) {

        @Override
        public String toString() {
            return "Account[subject=" + subject + "]";
        }
    }

    /** The holder of an account: a person, or for a service account ({@code client} set) a machine client. */
    public record Holder(String subject, String username, String name, java.util.Set<String> roles, String client) {

        @Override
        public String toString() {
            return "Holder[subject=" + subject + "]";
        }
    }

    /** Keycloak names the user of a client's service account after the client. */
    private static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    /** Where an issued account stands with its activation. */
    public enum ActivationState {
        /** The activation code has not been used: Keycloak still asks for a new password. */
        PENDING,
        /** The holder has set their own password. */
        ACTIVATED,
        /** The account no longer exists. */
        MISSING
    }

    /** Keycloak refused the account, e.g. because the user name or e-mail is taken. */
    public static final class AccountConflict extends RuntimeException {

        AccountConflict(String message) {
            super(message);
        }
    }

    private final Keycloak keycloak;
    private final IdentityConfig config;

    AccountService(Keycloak keycloak, IdentityConfig config) {
        this.keycloak = keycloak;
        this.config = config;
    }

    /**
     * Creates a patient's account with the {@code patient} role only. The activation code is a temporary
     * password: at first sign-in Keycloak makes the patient choose a password and enrol an authenticator app.
     */
    public IssuedAccount createPatientAccount(String email, String firstName, String lastName) {
        return create(Role.PATIENT, attempt -> UserNames.patient(), email, firstName, lastName);
    }

    /**
     * Creates a referring physician's account with the {@code provider} role only, named after their family name
     * ({@link UserNames#physician}); activation as for patients.
     */
    public IssuedAccount createProviderAccount(String email, String firstName, String lastName) {
        return create(Role.PROVIDER, attempt -> UserNames.physician(lastName, attempt), email, firstName, lastName);
    }

    /**
     * A name as Keycloak's user profile accepts it: its person-name rule refuses characters such as parentheses,
     * quotes and slashes that real names in registries do carry ("Smith (Jones)"). They become spaces; the
     * registry keeps the name as it is.
     */
    static String personName(String name) {
        String cleaned = name == null
                ? ""
                : name.replaceAll("[<>&\"$%!#?§;*~/\\|^=\\[\\]{}()\\p{Cntrl}]", " ")
                        .replaceAll("\\s+", " ").strip();
        if (cleaned.length() > 255) {
            cleaned = cleaned.substring(0, 255).strip();
        }
        return cleaned.isEmpty() ? "Patient" : cleaned;
    }

    /** Attempts at a free user name before giving up (a name taken by another account is tried again). */
    private static final int NAME_ATTEMPTS = 20;

    private IssuedAccount create(Role role, java.util.function.IntFunction<String> usernames, String email,
            String firstName, String lastName) {
        RealmResource realm = keycloak.realm(config.realm());
        for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
            String username = usernames.apply(attempt);
            if (realm.users().searchByUsername(username, true).isEmpty()) {
                return create(realm, role, username, email, firstName, lastName);
            }
        }
        throw new IllegalStateException("no free user name after " + NAME_ATTEMPTS + " attempts");
    }

    private IssuedAccount create(RealmResource realm, Role role, String username, String email, String firstName,
            String lastName) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(email);
        user.setEmailVerified(false);
        user.setFirstName(personName(firstName));
        user.setLastName(personName(lastName));
        user.setEnabled(true);
        user.setRequiredActions(List.of("UPDATE_PASSWORD", "CONFIGURE_TOTP"));
        String subject;
        try (Response created = realm.users().create(user)) {
            if (created.getStatus() == 409) {
                throw new AccountConflict("an account with this user name or e-mail address already exists");
            }
            if (created.getStatus() != 201) {
                throw new IllegalStateException("Keycloak answered " + created.getStatus() + " to a new account");
            }
            String location = created.getLocation().getPath();
            subject = location.substring(location.lastIndexOf('/') + 1);
        }
        try {
            String code = activationCode();
            realm.users().get(subject).resetPassword(temporaryPassword(code));
            // looking a role up by name needs view-realm; the roles this user may get are listed without it
            RoleRepresentation granted = realm.users().get(subject).roles().realmLevel().listAvailable().stream()
                    .filter(r -> r.getName().equals(role.realmRole())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the realm has no role " + role.realmRole()));
            realm.users().get(subject).roles().realmLevel().add(List.of(granted));
            return new IssuedAccount(subject, username, code);
        } catch (RuntimeException e) {
            delete(subject);
            throw e;
        }
    }

    /** Keycloak's credential types of what a lost phone carries: its authenticator app's secret and its passkeys. */
    private static final Set<String> ON_THE_PHONE = Set.of(CredentialRepresentation.TOTP, "otp", "webauthn",
            "webauthn-passwordless");

    /**
     * "Lost phone": removes every one-time-password credential and every passkey of the account, ends all its
     * sessions, and makes Keycloak ask for a new authenticator at the next sign-in. The old authenticator's codes and
     * the old passkeys stop working at once.
     */
    public void resetMfa(String subject) {
        UserResource user = keycloak.realm(config.realm()).users().get(subject);
        for (CredentialRepresentation credential : user.credentials()) {
            if (ON_THE_PHONE.contains(credential.getType())) {
                user.removeCredential(credential.getId());
            }
        }
        UserRepresentation representation = user.toRepresentation();
        List<String> actions = new java.util.ArrayList<>(representation.getRequiredActions() == null
                ? List.of()
                : representation.getRequiredActions());
        if (!actions.contains("CONFIGURE_TOTP")) {
            actions.add("CONFIGURE_TOTP");
        }
        representation.setRequiredActions(actions);
        user.update(representation);
        user.logout();
    }

    /** The account with exactly this user name, if the realm has one. */
    public java.util.Optional<Account> findByUsername(String username) {
        return keycloak.realm(config.realm()).users().searchByUsername(username, true).stream()
                .filter(u -> username.equals(u.getUsername())).findFirst()
                .map(u -> new Account(u.getId(), u.getUsername(), u.getFirstName(), u.getLastName(), u.getEmail()));
    }

    /** The account's user name (what the holder types at sign-in). */
    public String username(String subject) {
        return keycloak.realm(config.realm()).users().get(subject).toRepresentation().getUsername();
    }

    /**
     * The name a person is shown under in reports of who accessed a record: first and last name from the account,
     * else the user name; "a former account" if the account is gone (it never fails a report).
     */
    public String displayName(String subject) {
        try {
            UserRepresentation user = keycloak.realm(config.realm()).users().get(subject).toRepresentation();
            String name = ((user.getFirstName() == null ? "" : user.getFirstName()) + " "
                    + (user.getLastName() == null ? "" : user.getLastName())).strip();
            return name.isEmpty() ? user.getUsername() : name;
        } catch (jakarta.ws.rs.NotFoundException e) {
            return "a former account";
        }
    }

    /**
     * Who an account belongs to, for showing it in the audit trail: user name, first and last name, realm roles, and
     * for a service account the client it belongs to. Empty when the account no longer exists.
     */
    public java.util.Optional<Holder> holder(String subject) {
        try {
            UserResource user = keycloak.realm(config.realm()).users().get(subject);
            UserRepresentation u = user.toRepresentation();
            java.util.Set<String> roles = new java.util.TreeSet<>();
            user.roles().realmLevel().listEffective().forEach(r -> roles.add(r.getName()));
            String client = u.getServiceAccountClientId() != null
                    ? u.getServiceAccountClientId()
                    : u.getUsername() != null && u.getUsername().startsWith(SERVICE_ACCOUNT_PREFIX)
                            ? u.getUsername().substring(SERVICE_ACCOUNT_PREFIX.length())
                            : null;
            String name = ((u.getFirstName() == null ? "" : u.getFirstName()) + " "
                    + (u.getLastName() == null ? "" : u.getLastName())).strip();
            return java.util.Optional.of(new Holder(subject, u.getUsername(), name, java.util.Set.copyOf(roles),
                    client));
        } catch (jakarta.ws.rs.NotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    public ActivationState activationState(String subject) {
        try {
            UserRepresentation user = keycloak.realm(config.realm()).users().get(subject).toRepresentation();
            List<String> actions = user.getRequiredActions() == null ? List.of() : user.getRequiredActions();
            return actions.contains("UPDATE_PASSWORD") ? ActivationState.PENDING : ActivationState.ACTIVATED;
        } catch (jakarta.ws.rs.NotFoundException e) {
            return ActivationState.MISSING;
        }
    }

    /**
     * Disables an account whose activation window passed: it can no longer sign in, and its activation code is
     * replaced by a random password nobody knows, so re-enabling it alone would not revive the old slip.
     */
    public void disable(String subject) {
        UserResource user = keycloak.realm(config.realm()).users().get(subject);
        user.resetPassword(temporaryPassword(activationCode() + activationCode()));
        UserRepresentation representation = user.toRepresentation();
        representation.setEnabled(false);
        user.update(representation);
        user.logout();
    }

    /**
     * A new activation for an existing account (after re-verification): a new one-time code, the account enabled
     * again, a new password required at the next sign-in, and every session ended. An authenticator already
     * enrolled stays (a lost phone is {@link #resetMfa}); without one, enrolment is required again.
     */
    public String reissue(String subject) {
        UserResource user = keycloak.realm(config.realm()).users().get(subject);
        String code = activationCode();
        user.resetPassword(temporaryPassword(code));
        boolean hasOtp = user.credentials().stream().anyMatch(c -> CredentialRepresentation.TOTP.equals(c.getType())
                || "otp".equals(c.getType()));
        UserRepresentation representation = user.toRepresentation();
        representation.setEnabled(true);
        representation.setRequiredActions(hasOtp
                ? List.of("UPDATE_PASSWORD")
                : List.of("UPDATE_PASSWORD",
                        "CONFIGURE_TOTP"));
        user.update(representation);
        user.logout();
        return code;
    }

    private static CredentialRepresentation temporaryPassword(String value) {
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setTemporary(true);
        password.setValue(value);
        return password;
    }

    /** Removes an account (compensation when what follows its creation fails). */
    public void delete(String subject) {
        try (Response ignored = keycloak.realm(config.realm()).users().delete(subject)) {
            LOG.infof("removed account %s", subject);
        } catch (RuntimeException e) {
            LOG.errorf("could not remove account %s (%s); remove it in Keycloak", subject,
                    e.getClass().getSimpleName());
        }
    }

    /** 12 characters of a 32-letter alphabet: 60 bits, typed once from the slip. */
    static String activationCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(CODE_ALPHABET[RANDOM.nextInt(CODE_ALPHABET.length)]);
        }
        return code.toString();
    }
}
