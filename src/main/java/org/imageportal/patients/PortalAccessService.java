package org.imageportal.patients;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.accounts.AccountService;
import org.imageportal.accounts.AccountService.IssuedAccount;
import org.imageportal.accounts.ActivationService;
import org.imageportal.accounts.InvitationMailer;
import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientRepository.PatientRow;
import org.imageportal.platform.errors.Problem;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.platform.security.SecurityConfig;

/**
 * Issues a patient's portal account at the front desk, only after their identity was verified in person within
 * the window. The account gets the patient role and nothing else, whatever the request asks for. Blocking (the
 * Keycloak admin API): runs on worker threads. If linking the account to the patient fails, the account is
 * removed again, so no account exists that the registry does not know.
 */
@ApplicationScoped
public class PortalAccessService {

    /**
     * What the access slip shows. The activation code is shown this once and stored nowhere by the portal; when it
     * was e-mailed instead ({@code emailedTo}), the slip does not carry it.
     */
    public record AccessSlip(String portalUrl, String username, String activationCode, Instant expiresAt,
            String emailedTo) {

        @Override
        public String toString() {
            return "AccessSlip[username=" + username + "]";
        }
    }

    private final PatientRepository patients;
    private final PatientService registry;
    private final AccountService accounts;
    private final AuditTrail audit;
    private final SecurityConfig security;
    private final ActivationService activations;
    private final InvitationMailer mailer;

    PortalAccessService(PatientRepository patients, PatientService registry, AccountService accounts,
            AuditTrail audit, SecurityConfig security, ActivationService activations, InvitationMailer mailer) {
        this.activations = activations;
        this.mailer = mailer;
        this.patients = patients;
        this.registry = registry;
        this.accounts = accounts;
        this.audit = audit;
        this.security = security;
    }

    public AccessSlip issue(Actor actor, UUID id, IssueAccessRequest request) {
        PatientRow patient = patients.find(id).await().indefinitely().orElseThrow(ProblemException::notFound);
        List<String> asked = request.roles() == null ? List.of() : request.roles();
        if (asked.stream().anyMatch(role -> !Role.PATIENT.realmRole().equals(role))) {
            audit.record(actor.subject(), "account.issue", "refused", "patient:" + id,
                    Map.of("reason", "role other than patient requested")).await().indefinitely();
            throw new ProblemException(Problem.of(ProblemType.VALIDATION, "this path issues patient accounts only")
                    .withViolations(List.of(new Problem.Violation("roles",
                            "only the patient role can be issued here; other roles are granted by an administrator"))));
        }
        if (patient.hasAccount()) {
            throw new ProblemException(ProblemType.CONFLICT,
                    "the patient already has portal access; re-issue or reset it instead");
        }
        registry.requireRecentVerification(id).await().indefinitely();
        String[] name = patient.name().split("\\^", -1);
        String family = name.length > 0 && !name[0].isBlank() ? name[0] : "Patient";
        String given = name.length > 1 && !name[1].isBlank() ? name[1] : family;
        IssuedAccount account;
        try {
            account = accounts.createPatientAccount(request.email(), given, family);
        } catch (AccountService.AccountConflict e) {
            throw new ProblemException(ProblemType.CONFLICT, e.getMessage());
        }
        Instant expires;
        try {
            expires = patients.pool().withTransaction(tx -> patients
                    .linkAccount(tx, id, account.subject(), request.email())
                    .invoke(linked -> {
                        if (!linked) {
                            throw new ProblemException(ProblemType.CONFLICT,
                                    "the patient was given portal access meanwhile");
                        }
                    })
                    .call(() -> audit.record(tx, actor.subject(), "account.issued", "success", "patient:" + id,
                            Map.of("account", account.subject(), "role", Role.PATIENT.realmRole())))
                    .chain(() -> activations.open(tx, account.subject(), id, actor.subject())))
                    .await().indefinitely();
        } catch (RuntimeException e) {
            accounts.delete(account.subject());
            throw e;
        }
        return deliver(request.email(), account.username(), account.activationCode(), expires);
    }

    /**
     * Links an account that exists already (made in Keycloak itself, not issued here: a demonstration realm's
     * patient) to the patient, after a recent in-person verification, as issuing access would. Linking the same
     * account again changes nothing; an account cannot stand for two patients, nor a patient have two accounts.
     */
    public void linkExistingAccount(Actor actor, UUID id, String subject, String email) {
        PatientRow patient = patients.find(id).await().indefinitely().orElseThrow(ProblemException::notFound);
        if (subject.equals(patient.accountSubject())) {
            return;
        }
        if (patient.hasAccount() || registry.patientOfAccount(subject).await().indefinitely().isPresent()) {
            throw new ProblemException(ProblemType.CONFLICT, "the patient or the account is linked already");
        }
        registry.requireRecentVerification(id).await().indefinitely();
        patients.pool().withTransaction(tx -> patients.linkAccount(tx, id, subject, email)
                .invoke(linked -> {
                    if (!linked) {
                        throw new ProblemException(ProblemType.CONFLICT,
                                "the patient was given portal access meanwhile");
                    }
                })
                .call(() -> audit.record(tx, actor.subject(), "account.linked", "success", "patient:" + id,
                        Map.of("account", subject, "role", Role.PATIENT.realmRole()))))
                .await().indefinitely();
    }

    /** E-mails the activation when SMTP is configured; otherwise (or if sending fails) the slip carries it. */
    private AccessSlip deliver(String email, String username, String code, Instant expires) {
        if (mailer.enabled() && email != null
                && mailer.send(email, security.publicUrl(), username, code, expires)) {
            return new AccessSlip(security.publicUrl(), username, null, expires, email);
        }
        return new AccessSlip(security.publicUrl(), username, code, expires, null);
    }

    /**
     * A new activation code for a patient who already has an account (slip lost, window passed, password
     * forgotten), after a recent in-person verification: the account is enabled again with a new window.
     */
    public AccessSlip reissue(Actor actor, UUID id) {
        PatientRow patient = patients.find(id).await().indefinitely().orElseThrow(ProblemException::notFound);
        if (!patient.hasAccount()) {
            throw new ProblemException(ProblemType.CONFLICT, "the patient has no portal account yet; issue access");
        }
        registry.requireRecentVerification(id).await().indefinitely();
        String code = accounts.reissue(patient.accountSubject());
        Instant expires;
        try {
            expires = patients.pool().withTransaction(tx -> audit
                    .record(tx, actor.subject(), "account.reissued", "success", "patient:" + id,
                            Map.of("account", patient.accountSubject()))
                    .chain(() -> activations.open(tx, patient.accountSubject(), id, actor.subject())))
                    .await().indefinitely();
        } catch (RuntimeException e) {
            // no window recorded: a code nobody tracks must not stay usable
            accounts.disable(patient.accountSubject());
            throw e;
        }
        return deliver(patient.email(), accounts.username(patient.accountSubject()), code, expires);
    }

    /**
     * Removes the patient's authenticator after a recent in-person verification ("lost phone"): their old codes stop
     * working, their sessions end, and the next sign-in asks them to enrol a new app.
     */
    public void resetMfa(Actor actor, UUID id) {
        PatientRow patient = patients.find(id).await().indefinitely().orElseThrow(ProblemException::notFound);
        if (!patient.hasAccount()) {
            throw new ProblemException(ProblemType.CONFLICT, "the patient has no portal account yet");
        }
        registry.requireRecentVerification(id).await().indefinitely();
        accounts.resetMfa(patient.accountSubject());
        audit.record(actor.subject(), "account.mfa-reset", "success", "patient:" + id,
                Map.of("account", patient.accountSubject())).await().indefinitely();
    }
}
