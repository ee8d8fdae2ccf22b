package org.imageportal.providers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.accounts.AccountService;
import org.imageportal.accounts.AccountService.IssuedAccount;
import org.imageportal.accounts.ActivationService;
import org.imageportal.accounts.InvitationMailer;
import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.security.SecurityConfig;

import io.smallrye.mutiny.Uni;

/**
 * Invites referring physicians: an administrator or the privacy officer names the physician (NPI checked), the
 * portal creates their Keycloak account with the provider role only (password and authenticator at first
 * sign-in, as for patients) and returns the invitation with its one-time activation code, which works within the
 * activation window. If recording the physician fails, the account is removed again. Blocking (Keycloak).
 */
@ApplicationScoped
public class ProviderService {

    /** A physician as the practice's staff see them. */
    public record ProviderView(UUID id, String name, String npi, String organisation, String email,
            OffsetDateTime invitedAt) {
    }

    /**
     * What the invited physician needs to activate the account; the code is shown this once, or not at all when it
     * was e-mailed ({@code emailedTo}).
     */
    public record Invitation(UUID providerId, String portalUrl, String username, String activationCode,
            Instant expiresAt, String emailedTo) {

        @Override
        public String toString() {
            return "Invitation[provider=" + providerId + "]";
        }
    }

    private final ProviderRepository providers;
    private final AccountService accounts;
    private final ActivationService activations;
    private final AuditTrail audit;
    private final SecurityConfig security;
    private final InvitationMailer mailer;

    ProviderService(ProviderRepository providers, AccountService accounts, ActivationService activations,
            AuditTrail audit, SecurityConfig security, InvitationMailer mailer) {
        this.mailer = mailer;
        this.providers = providers;
        this.accounts = accounts;
        this.activations = activations;
        this.audit = audit;
        this.security = security;
    }

    /** A mistyped NPI (its check digit does not match) is refused with what was typed, as the form shows it. */
    private static void checkNpi(String npi) {
        if (!Npi.valid(npi)) {
            throw ProblemException.invalid("the NPI is not valid", "npi", "The NPI " + npi
                    + " is not valid: its check digit does not match the other 9 digits. Check it with the physician");
        }
    }

    public Invitation invite(Actor actor, InviteProviderRequest request) {
        requireInviter(actor);
        checkNpi(request.npi());
        if (providers.npiTaken(request.npi()).await().indefinitely()) {
            throw new ProblemException(ProblemType.CONFLICT, "a physician with this NPI has already been invited");
        }
        IssuedAccount account;
        try {
            account = accounts.createProviderAccount(request.email(), request.givenName().strip(),
                    request.familyName().strip());
        } catch (AccountService.AccountConflict e) {
            throw new ProblemException(ProblemType.CONFLICT, e.getMessage());
        }
        UUID id = UUID.randomUUID();
        String name = request.givenName().strip() + " " + request.familyName().strip();
        Instant expires;
        try {
            expires = providers.pool().withTransaction(tx -> providers
                    .insert(tx, id, account.subject(), name, request, actor.subject())
                    .call(() -> audit.record(tx, actor.subject(), "account.issued", "success", "provider:" + id,
                            Map.of("account", account.subject(), "role", Role.PROVIDER.realmRole())))
                    .chain(() -> activations.open(tx, account.subject(), null, actor.subject())))
                    .await().indefinitely();
        } catch (RuntimeException e) {
            accounts.delete(account.subject());
            if (e.getMessage() != null && e.getMessage().contains("provider_npi_key")) {
                throw new ProblemException(ProblemType.CONFLICT, "a physician with this NPI has already been invited");
            }
            throw e;
        }
        if (mailer.enabled() && mailer.send(request.email(), security.publicUrl(), account.username(),
                account.activationCode(), expires)) {
            return new Invitation(id, security.publicUrl(), account.username(), null, expires, request.email());
        }
        return new Invitation(id, security.publicUrl(), account.username(), account.activationCode(), expires, null);
    }

    /**
     * Records a physician whose account exists already (made in Keycloak itself, e.g. a demonstration realm's
     * provider), with the same checks as an invitation but no new account and no activation: they sign in as they
     * are. Registering the same account again returns the entry it has.
     */
    public ProviderView registerExisting(Actor actor, String subject, InviteProviderRequest request) {
        requireInviter(actor);
        Optional<ProviderView> existing = findByAccount(subject).await().indefinitely();
        if (existing.isPresent()) {
            return existing.get();
        }
        checkNpi(request.npi());
        if (providers.npiTaken(request.npi()).await().indefinitely()) {
            throw new ProblemException(ProblemType.CONFLICT, "a physician with this NPI is already registered");
        }
        UUID id = UUID.randomUUID();
        String name = request.givenName().strip() + " " + request.familyName().strip();
        providers.pool().withTransaction(tx -> providers.insert(tx, id, subject, name, request, actor.subject())
                .call(() -> audit.record(tx, actor.subject(), "provider.registered", "success", "provider:" + id,
                        Map.of("account", subject, "role", Role.PROVIDER.realmRole()))))
                .await().indefinitely();
        return findByAccount(subject).await().indefinitely().orElseThrow();
    }

    /** The physician whose portal account this is, if they are registered. */
    public Uni<Optional<ProviderView>> findByAccount(String subject) {
        return providers.findByAccount(subject).map(row -> row.map(ProviderService::view));
    }

    /** The registered physicians holding these portal accounts, by account; other accounts are left out. */
    public Uni<java.util.Map<String, ProviderView>> byAccounts(java.util.Collection<String> subjects) {
        return subjects.isEmpty()
                ? Uni.createFrom().item(java.util.Map.of())
                : providers.byAccounts(subjects).map(rows -> rows.stream().collect(java.util.stream.Collectors
                        .toMap(ProviderRepository.ProviderRow::accountSubject, ProviderService::view)));
    }

    public Uni<List<ProviderView>> list(Actor actor) {
        requireInviter(actor);
        return providers.list(500).map(rows -> rows.stream().map(ProviderService::view).toList());
    }

    /** A physician by id, for sharing (anyone who may share may look them up). */
    public Uni<Optional<ProviderView>> find(UUID id) {
        return providers.find(id).map(row -> row.map(ProviderService::view));
    }

    /** Physicians whose name or organisation contains the text, for a patient choosing whom to share with. */
    public Uni<List<ProviderView>> directory(String text) {
        String q = text == null ? "" : text.strip();
        if (q.length() < 2) {
            throw new ProblemException(ProblemType.VALIDATION, "type at least two letters of the name or organisation");
        }
        return providers.search(q, 50).map(rows -> rows.stream().map(ProviderService::view).toList());
    }

    private static ProviderView view(ProviderRepository.ProviderRow r) {
        return new ProviderView(r.id(), r.name(), r.npi(), r.organisation(), r.email(), r.invitedAt());
    }

    private static void requireInviter(Actor actor) {
        if (!actor.has(Role.ADMIN) && !actor.has(Role.PRIVACY_OFFICER)) {
            throw new ProblemException(ProblemType.FORBIDDEN,
                    "only an administrator or the privacy officer may do this");
        }
    }
}
