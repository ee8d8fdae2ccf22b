package org.imageportal.sharing;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.PageSessions;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Kind;
import org.imageportal.platform.security.CookieSigners;
import org.imageportal.platform.text.Words;
import org.imageportal.platform.work.CpuPool;
import org.imageportal.sharing.LinkRepository.LinkRow;
import org.imageportal.studies.access.StudyLinks;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Opening a share link. The token's format and signature are checked before anything is looked up; a link that is
 * unknown, revoked, expired, not yet valid, used up or locked is simply unavailable (the landing page says the
 * same for all). Before the access code nothing about the patient is shown. Each wrong code counts on the link
 * (five lock it for good) and on the client address (ten a quarter hour, shared by every instance); codes are compared
 * in constant time. The right code counts an opening and gives a signed link session of 30 minutes, which the
 * recipient can end at once by signing out (then every instance refuses a copy of its cookie).
 */
@ApplicationScoped
public class LinkOpeningService implements StudyLinks {

    static final int CODE_ATTEMPTS = 5;
    static final int CLIENT_FAILURES = 10;
    /** The advisory-lock class of code attempts (the object is the address's key). */
    private static final int ATTEMPT_LOCKS = 0x636f6465;
    static final Duration CLIENT_WINDOW = Duration.ofMinutes(15);
    static final Duration SESSION = Duration.ofMinutes(30);
    private static final String PURPOSE = "link-session";

    /** What the recipient sees after the code: the study's headline, no identifiers beyond what was shared. */
    public record LinkSummary(UUID linkId, String studyUid, String recipientName, String purpose, String studyDate,
            String studyDescription, List<String> modalities, int series, int instances, boolean download,
            Instant expiresAt) {
    }

    /** The outcome of a code. */
    public sealed interface CodeOutcome {

        /** Right code: the session cookie value to set. */
        record Accepted(String session) implements CodeOutcome {
        }

        /** Wrong code; {@code remaining} attempts before the link locks. */
        record Wrong(int remaining) implements CodeOutcome {
        }

        /** The link is bound to a physician who is not the one signed in (or nobody is); no code was tried. */
        record SignInRequired(String physician) implements CodeOutcome {
        }

        /** Too many wrong codes from this address for now. */
        record Throttled() implements CodeOutcome {
        }

        /**
         * Unknown, ended or locked: the same answer for all ({@code locked}: this wrong code locked it, which counts
         * against the address like any wrong code).
         */
        record Unavailable(boolean locked) implements CodeOutcome {

            public Unavailable() {
                this(false);
            }
        }
    }

    private final LinkRepository links;
    private final LinkTokens tokens;
    private final AuditTrail audit;
    private final CookieSigners signers;
    private final NotificationService notifications;
    private final Clock clock;
    private final CpuPool cpu;
    private final PageSessions sessions;

    LinkOpeningService(LinkRepository links, LinkTokens tokens, AuditTrail audit, CookieSigners signers,
            NotificationService notifications, Clock clock, CpuPool cpu, PageSessions sessions) {
        this.sessions = sessions;
        this.clock = clock;
        this.cpu = cpu;
        this.notifications = notifications;
        this.links = links;
        this.tokens = tokens;
        this.audit = audit;
        this.signers = signers;
    }

    /** How long a link session lasts, for its cookie. */
    public static long sessionSeconds() {
        return SESSION.toSeconds();
    }

    /**
     * For a link that can be opened now: the physician it is bound to (who must be signed in to open it), or "" if
     * anyone with the code may; empty if the link cannot be opened.
     */
    public Uni<Optional<String>> boundTo(String token) {
        return usable(token, false).map(found -> found.map(row -> java.util.Objects.toString(
                row.getString("bound_name"), "")));
    }

    /** Whether the link can be opened with a code now (no lookup at all for a malformed or forged token). */
    public Uni<Boolean> available(String token) {
        return usable(token, false).map(Optional::isPresent);
    }

    /**
     * The access code, with the name the recipient gives (recorded with every release under the session). A wrong
     * code counts against the link and the client address; the right one counts an opening.
     */
    public Uni<CodeOutcome> tryCode(String token, String code, String claimedName, String client,
            String signedInSubject) {
        if (tokens.verify(token).isEmpty()) {
            // a forged or malformed token reaches no table, not even the throttle's
            return Uni.createFrom().item(new CodeOutcome.Unavailable());
        }
        // the attempt counts against the address before the code is checked, so a burst of parallel guesses cannot
        // all pass the count; it is taken back unless the code was wrong
        return reserve(client).chain(reserved -> reserved.isEmpty()
                ? Uni.createFrom().<CodeOutcome>item(new CodeOutcome.Throttled())
                : checkCode(token, code, claimedName, client, signedInSubject).call(outcome -> wrongCode(outcome)
                        ? Uni.createFrom().voidItem()
                        : release(client, reserved.get())));
    }

    /** Whether the outcome was a wrong code (which keeps its count), the one that locked the link included. */
    private static boolean wrongCode(CodeOutcome outcome) {
        return outcome instanceof CodeOutcome.Wrong || outcome instanceof CodeOutcome.Unavailable u && u.locked();
    }

    private Uni<CodeOutcome> checkCode(String token, String code, String claimedName, String client,
            String signedInSubject) {
        // a code stored by an earlier version as a slow hash is checked on the CPU pool, not on the event loop that
        // delivered the row; today's keyed form costs two HMACs
        return usable(token, false).chain(found -> found.isPresent()
                && AccessCodes.slow(found.get().getString("code_hash"))
                        ? Uni.createFrom().item(found).emitOn(cpu.executor())
                        : Uni.createFrom().item(found))
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new CodeOutcome.Unavailable());
                    }
                    Row row = found.get();
                    LinkRow link = LinkRepository.link(row);
                    String bound = row.getString("bound_subject");
                    if (bound != null && !bound.equals(signedInSubject)) {
                        return Uni.createFrom().item(new CodeOutcome.SignInRequired(row.getString("bound_name")));
                    }
                    if (AccessCodes.matches(code, token, row.getString("code_hash"), tokens)) {
                        // the opening counted, the patient notified and the audit entry, in one statement
                        return audit
                                .recordIf(links.pool(), links.opening(link.id(), clock.instant()),
                                        notifications.recordIfDone(link.patientRef(), Kind.LINK_OPENED,
                                                openedMessage(link, claimedName)),
                                        "link:" + link.id(), "link.opened", "success", "patient:" + link.patientRef(),
                                        Map.of("link", link.id().toString(), "claimedName", claimedName))
                                .invoke(opened -> {
                                    if (opened) {
                                        notifications.email(link.patientRef(), Kind.LINK_OPENED);
                                    }
                                })
                                .map(opened -> opened
                                        ? new CodeOutcome.Accepted(session(link.id(), claimedName))
                                        : new CodeOutcome.Unavailable());
                    }
                    // the address's count was taken when the attempt began
                    return links.pool().withTransaction(tx -> links.failCode(tx, link.id(), CODE_ATTEMPTS)
                            .call(failures -> audit.record(tx, "link:" + link.id(),
                                    failures >= CODE_ATTEMPTS ? "link.locked" : "link.code-refused", "refused",
                                    "patient:" + link.patientRef(), Map.of("link", link.id().toString(), "failures",
                                            failures))))
                            .map(failures -> failures >= CODE_ATTEMPTS
                                    ? new CodeOutcome.Unavailable(true)
                                    : new CodeOutcome.Wrong(CODE_ATTEMPTS - failures));
                });
    }

    private static String openedMessage(LinkRow link, String claimedName) {
        return "The link you made for " + link.recipientName() + " was opened by someone giving the name \""
                + claimedName + "\" (study of " + Words.date(link.studyDate()) + ", "
                + link.studyDescription() + "; opening " + (link.opens() + 1)
                + (link.maxOpens() == null ? "" : " of " + link.maxOpens()) + ").";
    }

    /** The summary, if the link is still usable and the session belongs to it. */
    public Uni<Optional<LinkSummary>> summary(String token, String session) {
        return usable(token, true).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(Optional.<LinkSummary>empty())
                : liveName(session, LinkRepository.link(found.get()).id()).map(claimed -> claimed.map(name -> {
                    Row row = found.get();
                    LinkRow link = LinkRepository.link(row);
                    String[] modalities = row.getArrayOfStrings("modalities");
                    return new LinkSummary(link.id(), row.getString("study_uid"), link.recipientName(),
                            link.purpose(), link.studyDate(), link.studyDescription(),
                            modalities == null ? List.of() : List.of(modalities), row.getInteger("series_count"),
                            row.getInteger("instance_count"), link.canDownload(), link.expiresAt().toInstant());
                })));
    }

    /** The link a viewer or download acts under: still usable now, and the session is this link's. */
    @Override
    public Uni<Optional<LinkBasis>> basis(String token, String session) {
        return usable(token, true).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(Optional.<LinkBasis>empty())
                : liveName(session, LinkRepository.link(found.get()).id()).map(claimed -> claimed.map(name -> {
                    LinkRow link = LinkRepository.link(found.get());
                    String[] series = found.get().getArrayOfStrings("series_uids");
                    return new LinkBasis(link.id(), link.studyId(), series == null ? null : List.of(series),
                            link.recipientName(), name, link.purpose(), link.canDownload());
                })));
    }

    /**
     * Signing out of a link: the session is ended for every instance at once (a copy of its cookie is refused from
     * now on) and the trail says so. Nothing happens for a session that is not this link's or is over already.
     */
    public Uni<Void> signOut(String token, String session) {
        return basis(token, session).chain(found -> found.isEmpty()
                ? Uni.createFrom().voidItem()
                : sessions.end(endedKey(session)).call(() -> audit.record(found.get().auditActor(),
                        "session.signout", "success", null, Map.of("link", found.get().linkId().toString()))));
    }

    /** The name given when the session was opened, if the session is genuine, this link's, not over and not ended. */
    private Uni<Optional<String>> liveName(String session, UUID link) {
        Optional<String> claimed = claimedName(session, link);
        return claimed.isEmpty()
                ? Uni.createFrom().item(claimed)
                : sessions.ended(endedKey(session)).map(ended -> ended ? Optional.<String>empty() : claimed);
    }

    /** How an ended link session is remembered: a hash of its cookie, never the cookie itself. */
    private static String endedKey(String session) {
        return "link:" + LinkTokens.hash(session);
    }

    /**
     * A usable link for the token, or empty; a token failing its signature is never looked up. A link whose
     * openings are used up still serves the sessions already opened ({@code openedSession}), but no new one.
     */
    private Uni<Optional<Row>> usable(String token, boolean openedSession) {
        Optional<String> hash = tokens.verify(token);
        if (hash.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        Instant now = clock.instant();
        return links.byTokenHash(hash.get()).map(found -> found.filter(row -> {
            String state = LinkService.state(LinkRepository.link(row), now);
            return "active".equals(state) || openedSession && "used up".equals(state);
        }));
    }

    /** link id . expiry . name (base64url) . signature over the three. */
    private String session(UUID link, String claimedName) {
        String value = link + "." + clock.instant().plus(SESSION).getEpochSecond() + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(claimedName.getBytes(StandardCharsets.UTF_8));
        return value + "." + signers.signer().sign(PURPOSE, value);
    }

    /** The name given when the session was opened, if the session is genuine, this link's and not yet over. */
    private Optional<String> claimedName(String session, UUID link) {
        if (session == null) {
            return Optional.empty();
        }
        int last = session.lastIndexOf('.');
        if (last < 0) {
            return Optional.empty();
        }
        String value = session.substring(0, last);
        String[] parts = value.split("\\.");
        try {
            if (parts.length == 3 && signers.signer().verify(PURPOSE, value, session.substring(last + 1))
                    && parts[0].equals(link.toString())
                    && Instant.ofEpochSecond(Long.parseLong(parts[1])).isAfter(clock.instant())) {
                return Optional.of(new String(Base64.getUrlDecoder().decode(parts[2]), StandardCharsets.UTF_8));
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Counts an attempt against the address in PostgreSQL (so that every instance sees the same count; the address is
     * kept only as a keyed hash, and only for the window), unless ten wrong codes came from it (then empty): one
     * short transaction under an advisory lock on the address, seen by every instance, so that parallel attempts
     * are counted one after another. What has left every window is forgotten on the way.
     */
    private Uni<Optional<java.time.OffsetDateTime>> reserve(String client) {
        String key = clientKey(client);
        java.time.OffsetDateTime now = clock.instant().atOffset(java.time.ZoneOffset.UTC);
        java.time.OffsetDateTime since = now.minus(CLIENT_WINDOW);
        // the lock is held only for the count and the insert (not while the code is checked), so waits are short
        return links.pool().withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock($1, $2)")
                .execute(Tuple.of(ATTEMPT_LOCKS, key.hashCode()))
                .chain(() -> tx.preparedQuery("SELECT count(*) FROM portal.client_code_failure WHERE client = $1 "
                        + "AND at > $2").execute(Tuple.of(key, since)))
                .chain(count -> count.iterator().next().getLong(0) >= CLIENT_FAILURES
                        ? Uni.createFrom().item(Optional.<java.time.OffsetDateTime>empty())
                        : tx.preparedQuery("WITH gone AS (DELETE FROM portal.client_code_failure WHERE at <= $3) "
                                + "INSERT INTO portal.client_code_failure (client, at) VALUES ($1, $2)")
                                .execute(Tuple.of(key, now, since)).map(inserted -> Optional.of(now))));
    }

    /** Takes back an attempt's count: the code was right, or never checked. */
    private Uni<Void> release(String client, java.time.OffsetDateTime at) {
        return links.pool().preparedQuery("DELETE FROM portal.client_code_failure WHERE client = $1 AND at = $2")
                .execute(Tuple.of(clientKey(client), at)).replaceWithVoid();
    }

    private String clientKey(String client) {
        return tokens.clientKey(client == null ? "" : client);
    }
}
