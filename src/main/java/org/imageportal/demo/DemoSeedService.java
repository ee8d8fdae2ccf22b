package org.imageportal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.imageportal.accounts.AccountService;
import org.imageportal.accounts.AccountService.Account;
import org.imageportal.archive.StudyArchiveService;
import org.imageportal.disclosures.AccountingService;
import org.imageportal.identity.Actor;
import org.imageportal.identity.IdentityConfig;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.patients.PortalAccessService;
import org.imageportal.patients.VerificationMethod;
import org.imageportal.patients.VerificationRequest;
import org.imageportal.providers.InviteProviderRequest;
import org.imageportal.providers.ProviderService;
import org.imageportal.sharing.GrantRequest;
import org.imageportal.sharing.GrantService;
import org.imageportal.sharing.LinkRequest;
import org.imageportal.sharing.LinkService;
import org.imageportal.sharing.Purpose;
import org.imageportal.studies.ingest.IngestOutcome;
import org.imageportal.studies.ingest.IngestService;
import org.imageportal.studies.ingest.UploadService;
import org.imageportal.studies.ingest.dimse.DimsePeerRequest;
import org.imageportal.studies.ingest.dimse.DimsePeerService;

import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Fills the demonstration realm's database so every demo user finds something to do: the patient's studies arrive
 * from the "PACS" through the real ingest (encrypted, indexed, audited), the front desk verifies her identity and
 * links her account, the administrator registers the physician, the patient shares a study with him, issues a
 * share link and asks for an accounting of disclosures, and an outside-CD image waits in the quarantine. Every step
 * goes through the feature's own service, acting as the demo user who would do it, so the audit trail reads as if
 * they had. Each step looks first whether it was done already: running it again changes nothing. A share link's
 * token and code are known only when issued, so they are kept in a file of the local state for the next run to
 * show again. Refuses to run outside the demonstration and test stacks ({@link DemoGuard}). Blocking; opens its
 * own request context, since the command runs outside any request (the Keycloak admin client is request scoped).
 */
@ApplicationScoped
public class DemoSeedService {

    /** Who plays which part: user names in the realm. */
    public record Cast(String patient, String physician, String frontDesk, String privacyOfficer, String admin,
            String pacs) {

        /** The demo realm's users (infra/keycloak/overlay-demo.json) and the PACS client's service account. */
        public static Cast standard() {
            return new Cast("alice", "bob", "frank", "olga", "adam", "service-account-portal-ingest");
        }
    }

    /** What the demonstration holds after seeding, and what this run added. */
    public record Seeded(UUID patientId, int stored, int alreadyStored, boolean accountLinked,
            boolean physicianRegistered, UUID grantId, boolean grantCreated, UUID linkId, String linkUrl,
            String accessCode, boolean linkIssued, UUID accountingRequestId, boolean accountingRequested) {

        @Override
        public String toString() {
            return "Seeded[patient=" + patientId + ", stored=" + stored + "]";
        }
    }

    /** Seeding is not allowed here; nothing was written. */
    public static final class Refused extends RuntimeException {

        Refused(String message) {
            super(message);
        }
    }

    static final String LINK_RECIPIENT = "Dr Second Opinion (demo)";
    static final String NPI = "1700000429";

    /** The demo modality of the DIMSE gateway: this machine, with the demo client certificate of infra/portal. */
    static final DimsePeerRequest DEMO_MODALITY = new DimsePeerRequest("DEMO-MODALITY", null,
            java.util.List.of("127.0.0.1/32", "::1/128"), "CN=Demo modality,O=Image portal demo",
            "demonstration modality (storescu +tls with the demo client certificate)");

    private final DemoConfig config;
    private final IdentityConfig identity;
    private final String databaseUrl;
    private final AccountService accounts;
    private final IngestService ingest;
    private final UploadService uploads;
    private final PatientService patients;
    private final PortalAccessService access;
    private final ProviderService providers;
    private final StudyArchiveService studies;
    private final GrantService grants;
    private final LinkService links;
    private final AccountingService accounting;
    private final DimsePeerService dimsePeers;

    DemoSeedService(DemoConfig config, IdentityConfig identity,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String databaseUrl, AccountService accounts,
            IngestService ingest, UploadService uploads, PatientService patients, PortalAccessService access,
            ProviderService providers, StudyArchiveService studies, GrantService grants, LinkService links,
            AccountingService accounting, DimsePeerService dimsePeers) {
        this.config = config;
        this.identity = identity;
        this.databaseUrl = databaseUrl;
        this.accounts = accounts;
        this.ingest = ingest;
        this.uploads = uploads;
        this.patients = patients;
        this.access = access;
        this.providers = providers;
        this.studies = studies;
        this.grants = grants;
        this.links = links;
        this.accounting = accounting;
        this.dimsePeers = dimsePeers;
    }

    /**
     * Seeds with {@code cast}, writing the study files under {@code workDir} and keeping the share link in
     * {@code linkFile}.
     */
    @ActivateRequestContext
    public Seeded seed(Cast cast, Path workDir, Path linkFile) {
        Optional<String> refusal = DemoGuard.refusal(config.enabled(), ConfigUtils.getProfiles(), identity.realm(),
                DemoGuard.databaseOf(databaseUrl));
        if (refusal.isPresent()) {
            throw new Refused(refusal.get());
        }
        Account patientAccount = account(cast.patient());
        Account physicianAccount = account(cast.physician());
        Actor patient = person(patientAccount, Role.PATIENT);
        Actor desk = person(account(cast.frontDesk()), Role.FRONTDESK);
        Actor admin = person(account(cast.admin()), Role.ADMIN);
        Account pacsAccount = account(cast.pacs());
        Actor pacs = new Actor(pacsAccount.subject(), pacsAccount.username(), "PACS", Set.of(Role.INGEST), false,
                true);

        DemoStudies.StudyFiles files;
        try {
            files = DemoStudies.write(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("the demonstration studies could not be made", e);
        }
        int[] counts = new int[2];
        for (Path file : files.accepted()) {
            store(file, pacs, false, counts);
        }
        UUID patientId = uploads.findPatients(desk, DemoStudies.PATIENT.patientId()).stream()
                .filter(p -> p.identity().issuer().equals(DemoStudies.PATIENT.issuer())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the studies did not register the patient")).id();
        store(files.held(), pacs, true, counts);

        boolean linked = false;
        Optional<UUID> ofAccount = patients.patientOfAccount(patientAccount.subject()).await().indefinitely();
        if (ofAccount.isEmpty()) {
            patients.recordVerification(desk, patientId, new VerificationRequest(
                    VerificationMethod.GOVERNMENT_PHOTO_ID, "Driver's licence", "4821", null, null, null,
                    "Main reception", "demonstration data")).await().indefinitely();
            access.linkExistingAccount(desk, patientId, patientAccount.subject(), patientAccount.email());
            linked = true;
        } else if (!ofAccount.get().equals(patientId)) {
            throw new IllegalStateException("the patient's account belongs to another registry entry");
        }

        boolean registered = providers.findByAccount(physicianAccount.subject()).await().indefinitely().isEmpty();
        UUID physicianId = providers.registerExisting(admin, physicianAccount.subject(), new InviteProviderRequest(
                nonBlank(physicianAccount.firstName(), "Bob"), nonBlank(physicianAccount.lastName(), "Demo-Provider"),
                NPI, "Demo Referring Clinic", physicianAccount.email())).id();

        dimsePeers.ensureRegistered(admin, DEMO_MODALITY);

        UUID ct = studyOf(patient, DemoStudies.CT_STUDY);
        UUID xray = studyOf(patient, DemoStudies.XR_STUDY);

        var existingGrant = grants.mine(patient).await().indefinitely().stream()
                .filter(g -> g.studyId().equals(ct) && g.providerId().equals(physicianId)
                        && "active".equals(g.state()))
                .findFirst();
        UUID grantId = existingGrant.isPresent()
                ? existingGrant.get().id()
                : grants.create(patient, new GrantRequest(ct.toString(), physicianId.toString(), true,
                        Purpose.TREATMENT, null, null, null, null, null)).await().indefinitely().id();

        Link link = link(patient, xray, linkFile);

        var requests = accounting.mine(patient).await().indefinitely();
        UUID request = requests.isEmpty()
                ? accounting.request(patient, null).await().indefinitely().id()
                : requests.getFirst().id();

        return new Seeded(patientId, counts[0], counts[1], linked, registered, grantId, existingGrant.isEmpty(),
                link.id(), link.url(), link.code(), link.issued(), request, requests.isEmpty());
    }

    private record Link(UUID id, String url, String code, boolean issued) {
    }

    /**
     * The link kept from an earlier run while it is still open; otherwise a new one (an earlier demo link that can
     * no longer be shown is revoked, so one demo link stays open).
     */
    private Link link(Actor patient, UUID study, Path linkFile) {
        Properties kept = new Properties();
        if (Files.isRegularFile(linkFile)) {
            try (InputStream in = Files.newInputStream(linkFile)) {
                kept.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("the kept share link could not be read", e);
            }
        }
        var mine = links.mine(patient).await().indefinitely();
        String keptId = kept.getProperty("id", "");
        var open = mine.stream().filter(l -> l.id().toString().equals(keptId) && "active".equals(l.state()))
                .findFirst();
        if (open.isPresent()) {
            return new Link(open.get().id(), kept.getProperty("url"), kept.getProperty("code"), false);
        }
        for (var earlier : mine) {
            if (LINK_RECIPIENT.equals(earlier.recipientName()) && "active".equals(earlier.state())) {
                links.revoke(patient, earlier.id()).await().indefinitely();
            }
        }
        var issued = links.issue(patient, new LinkRequest(study.toString(), LINK_RECIPIENT, Purpose.SECOND_OPINION,
                null, true, null, null, null, null, null, null, null)).await().indefinitely();
        Properties keep = new Properties();
        keep.setProperty("id", issued.id().toString());
        keep.setProperty("url", issued.url());
        keep.setProperty("code", issued.accessCode());
        try {
            Files.createDirectories(linkFile.toAbsolutePath().getParent());
            Files.deleteIfExists(linkFile);
            Files.createFile(linkFile,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var out = Files.newOutputStream(linkFile)) {
                keep.store(out, "the demo share link; its code is shown only when issued");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the share link could not be kept", e);
        }
        return new Link(issued.id(), issued.url(), issued.accessCode(), true);
    }

    private void store(Path file, Actor pacs, boolean expectHeld, int[] counts) {
        IngestOutcome outcome;
        try (InputStream in = Files.newInputStream(file)) {
            outcome = ingest.ingest(in, IngestService.Target.any(), pacs);
        } catch (IOException e) {
            throw new UncheckedIOException("a demonstration file could not be read", e);
        }
        if (!(outcome instanceof IngestOutcome.Stored stored)) {
            throw new IllegalStateException("a demonstration instance was refused: "
                    + ((IngestOutcome.Failed) outcome).message());
        }
        if (stored.alreadyStored()) {
            counts[1]++;
            return;
        }
        if (expectHeld != (stored.quarantine() != null)) {
            throw new IllegalStateException(expectHeld
                    ? "the outside-CD image was accepted instead of held"
                    : "a demonstration instance was held: " + stored.quarantine());
        }
        counts[0]++;
    }

    private UUID studyOf(Actor patient, String studyUid) {
        List<UUID> found = new ArrayList<>();
        for (var summary : studies.list(patient).await().indefinitely()) {
            if (studies.studyUid(patient, summary.id()).await().indefinitely().orElse("").equals(studyUid)) {
                found.add(summary.id());
            }
        }
        if (found.size() != 1) {
            throw new IllegalStateException("the patient does not see the demonstration study");
        }
        return found.getFirst();
    }

    private Account account(String username) {
        return accounts.findByUsername(username).orElseThrow(() -> new Refused(
                "the realm " + identity.realm() + " has no user " + username + "; is it the demonstration realm?"));
    }

    /** A demo user as they would be after signing in with their one-time code. */
    private static Actor person(Account account, Role role) {
        String name = (nonBlank(account.firstName(), "") + " " + nonBlank(account.lastName(), "")).strip();
        return new Actor(account.subject(), account.username(), name.isEmpty() ? account.username() : name,
                EnumSet.of(role), true, false);
    }

    private static String nonBlank(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
