package org.imageportal.web;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.accounts.AccountService;
import org.imageportal.accounts.AccountService.Holder;
import org.imageportal.audit.AuditSearchService;
import org.imageportal.audit.AuditSearchService.Criteria;
import org.imageportal.identity.Role;
import org.imageportal.patients.PatientService;
import org.imageportal.providers.ProviderService;
import org.imageportal.providers.ProviderService.ProviderView;
import org.imageportal.sharing.LinkService;
import org.jboss.logging.Logger;

/**
 * Who the actors of the audit trail are, as the privacy officer knows them: a patient by the registry's name, a
 * physician by the name they were registered under, staff by their account, a share link by its recipient, a machine
 * by its client. The trail itself keeps only the ids (which never change, where names do). Keycloak's answers are
 * kept for a few minutes, so that a page of entries does not ask it once per entry.
 */
@ApplicationScoped
public class AuditPeople {

    /** How an actor is shown: {@code name} in words, the user name and the portal roles where known. */
    public record Person(String id, Kind kind, String name, String username, List<String> roles) {

        /** The roles as people read them: "privacy officer, break-glass". */
        public String role() {
            return String.join(", ", roles.stream().map(r -> r.replace('-', ' ')).toList()).replace("break glass",
                    "break-glass");
        }

        /** The text a name search is matched against. */
        String searchable() {
            return name + " " + (username == null ? "" : username);
        }
    }

    /** What kind of actor an id is. */
    public enum Kind {
        PERSON, LINK, MACHINE, PORTAL, UNKNOWN
    }

    private static final Logger LOG = Logger.getLogger(AuditPeople.class);
    private static final Duration KEPT = Duration.ofMinutes(5);
    /** The portal's own scheduled work records under this actor. */
    private static final String SYSTEM = "system";
    private static final String LINK = "link:";
    /** How many distinct actors a search by name or role looks through. */
    private static final int ACTORS = 100_000;

    private record Kept(Optional<Holder> holder, Instant at) {
    }

    private final Map<String, Kept> holders = new ConcurrentHashMap<>();
    private final AccountService accounts;
    private final PatientService patients;
    private final ProviderService providers;
    private final LinkService links;
    private final AuditSearchService search;

    AuditPeople(AccountService accounts, PatientService patients, ProviderService providers, LinkService links,
            AuditSearchService search) {
        this.accounts = accounts;
        this.patients = patients;
        this.providers = providers;
        this.links = links;
        this.search = search;
    }

    /** Each of these actor ids as it is shown; ids of nobody known are shown as they are. Blocking. */
    public Map<String, Person> describe(Collection<String> ids) {
        return describe(ids, true);
    }

    /**
     * As {@link #describe(Collection)}; without {@code usernames}, patients and physicians are named from the
     * portal's own records alone, without asking Keycloak for each of their accounts.
     */
    private Map<String, Person> describe(Collection<String> ids, boolean usernames) {
        Set<String> subjects = new HashSet<>();
        Map<UUID, String> linkIds = new HashMap<>();
        for (String id : ids) {
            if (id.startsWith(LINK)) {
                uuid(id.substring(LINK.length())).ifPresent(u -> linkIds.put(u, id));
            } else if (!SYSTEM.equals(id)) {
                subjects.add(id);
            }
        }
        Map<String, String> patientNames = patients.namesOfAccounts(subjects).await().indefinitely();
        Map<String, ProviderView> physicians = providers.byAccounts(subjects).await().indefinitely();
        Map<UUID, String> recipients = links.recipientNames(linkIds.keySet()).await().indefinitely();
        Map<String, Person> out = new HashMap<>();
        for (String id : ids) {
            out.put(id, person(id, patientNames, physicians, recipients, usernames));
        }
        return out;
    }

    /**
     * The actors of entries matching {@code within} whose name or user name holds every word of {@code name} (in any
     * order, without regard to accents or case) and who hold {@code role}; either may be null. Blocking.
     */
    public Set<String> matching(String name, Role role, Criteria within) {
        List<String> words = words(name);
        Set<String> out = new HashSet<>();
        for (Person p : describe(search.actors(within, ACTORS).await().indefinitely(), false).values()) {
            String searchable = folded(p.searchable());
            boolean named = words.stream().allMatch(searchable::contains);
            boolean inRole = role == null || p.roles().contains(role.realmRole());
            if (named && inRole && (p.kind() != Kind.UNKNOWN || role == null && !words.isEmpty())) {
                out.add(p.id());
            }
        }
        return out;
    }

    private Person person(String id, Map<String, String> patientNames, Map<String, ProviderView> physicians,
            Map<UUID, String> recipients, boolean usernames) {
        if (SYSTEM.equals(id)) {
            return new Person(id, Kind.PORTAL, "The portal (scheduled work)", null, List.of());
        }
        if (id.startsWith(LINK)) {
            String recipient = uuid(id.substring(LINK.length())).map(recipients::get).orElse(null);
            return recipient == null
                    ? new Person(id, Kind.UNKNOWN, id, null, List.of())
                    : new Person(id, Kind.LINK, "Share link to " + recipient, null, List.of());
        }
        boolean registered = patientNames.containsKey(id) || physicians.containsKey(id);
        Optional<Holder> holder = registered && !usernames ? Optional.empty() : holder(id);
        String username = holder.map(Holder::username).orElse(null);
        if (patientNames.containsKey(id)) {
            return new Person(id, Kind.PERSON, Readable.person(patientNames.get(id)), username,
                    roles(holder, Role.PATIENT));
        }
        if (physicians.containsKey(id)) {
            return new Person(id, Kind.PERSON, physicians.get(id).name(), username, roles(holder, Role.PROVIDER));
        }
        if (holder.isEmpty()) {
            return new Person(id, Kind.UNKNOWN, id, null, List.of());
        }
        Holder h = holder.get();
        if (h.client() != null) {
            return new Person(id, Kind.MACHINE, "Machine client " + h.client(), h.username(), roles(holder, null));
        }
        return new Person(id, Kind.PERSON, h.name().isEmpty() ? h.username() : h.name(), h.username(),
                roles(holder, null));
    }

    /** The portal's roles of the account, in the order of {@link Role}; {@code known} even when Keycloak was not asked. */
    private static List<String> roles(Optional<Holder> holder, Role known) {
        return Arrays.stream(Role.values()).filter(r -> r == known || holder.map(h -> h.roles().contains(r.realmRole()))
                .orElse(false)).map(Role::realmRole).toList();
    }

    private Optional<Holder> holder(String subject) {
        if (uuid(subject).isEmpty()) {
            // Keycloak's subjects are UUIDs; anything else (a DIMSE peer, an address) is no account
            return Optional.empty();
        }
        Instant now = Instant.now();
        Kept kept = holders.get(subject);
        if (kept == null || kept.at().plus(KEPT).isBefore(now)) {
            try {
                kept = new Kept(accounts.holder(subject), now);
            } catch (RuntimeException e) {
                // Keycloak not answering must not hide the trail: the entry keeps its id, and is asked about again
                LOG.warnf("could not look up account %s for the audit trail: %s", subject,
                        e.getClass().getSimpleName());
                return Optional.empty();
            }
            holders.put(subject, kept);
        }
        return kept.holder();
    }

    private static Optional<UUID> uuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static List<String> words(String text) {
        return text == null
                ? List.of()
                : Arrays.stream(folded(text).split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty()).toList();
    }

    static String folded(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
    }
}
