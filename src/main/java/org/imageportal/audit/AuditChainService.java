package org.imageportal.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.audit.AuditAnchor.Head;
import org.imageportal.audit.AuditChain.Break;
import org.imageportal.audit.AuditChain.Entry;
import org.imageportal.audit.AuditChain.Verifier;
import org.imageportal.platform.work.CpuPool;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Verifies the audit trail's hash chain from the first entry to the head, and anchors the head outside the
 * database. Verification reads the trail in pages and recomputes every hash in the portal ({@link AuditChain}), so
 * a row altered, deleted or inserted by someone with database rights is named; comparing with the anchor catches
 * entries cut off the end.
 */
@ApplicationScoped
public class AuditChainService {

    /** Claims each period of a scheduled job for one instance of the installation. */
    @jakarta.inject.Inject
    org.imageportal.platform.work.ClusterJobs jobs;

    private static final Logger LOG = Logger.getLogger(AuditChainService.class);
    private static final int PAGE = 2000;
    /** The audit action of the first anchoring, after which an anchor must always exist. */
    static final String FIRST_ANCHOR = "audit.anchor";
    /** Advisory lock id under which one portal instance at a time anchors. */
    private static final long ANCHOR_LOCK = 0x706f7274616c4131L;

    /** How the trail compares with the anchor kept outside the database. */
    public enum AnchorState {
        /** Nothing anchored yet. */
        NONE,
        /** The trail holds the anchored entry with the anchored hash. */
        MATCHES,
        /** The trail ends before the anchored entry: entries were cut off the end. */
        TRUNCATED,
        /** The trail holds a different hash at the anchored position: it was rewritten. */
        REWRITTEN,
        /**
         * The stored anchor does not carry the portal's signature: it was written by someone else. With the anchor
         * under object lock: the newest version is such an anchor, laid on top of the portal's newest one (which the
         * trail matches, and whose position is reported).
         */
        FORGED,
        /**
         * There is no anchor although the trail records that one was made: it was deleted. Under object lock: a
         * delete marker lies on top of the portal's newest anchor (still retained, which the trail matches).
         */
        MISSING,
        /**
         * Under object lock: a genuine older anchor was put back as the newest version. It does not count; the
         * portal's newest anchor (which the trail matches, and whose position is reported) still does.
         */
        ROLLED_BACK
    }

    /** The anchor as compared; {@code legacy}: an unsigned anchor from before anchors were signed, trusted once. */
    public record AnchorCheck(AnchorState state, Long seq, String hash, Instant at, boolean legacy) {

        AnchorCheck(AnchorState state, Long seq, String hash, Instant at) {
            this(state, seq, hash, at, false);
        }
    }

    /** The outcome: {@code intact} only if the chain is unbroken and agrees with the anchor. */
    public record Verification(boolean intact, long entries, long headSeq, String headHash, Break firstBroken,
            AnchorCheck anchor, Instant verifiedAt) {
    }

    private final Pool pool;
    private final AuditSearchService search;
    private final AuditAnchor anchors;
    private final AuditTrail audit;
    private final Clock clock;
    private final CpuPool cpu;
    private final AuditSealer sealer;

    AuditChainService(Pool pool, AuditSearchService search, AuditAnchor anchors, AuditTrail audit, Clock clock,
            CpuPool cpu, AuditSealer sealer) {
        this.cpu = cpu;
        this.sealer = sealer;
        this.pool = pool;
        this.search = search;
        this.anchors = anchors;
        this.audit = audit;
        this.clock = clock;
    }

    /** Verifies the chain and records that the actor did so. */
    public Uni<Verification> verify(String actor) {
        return verify().call(v -> audit.record(actor, "audit.verify", v.intact() ? "intact" : "broken", "audit",
                v.firstBroken() == null
                        ? Map.of("entries", v.entries())
                        : Map.of("entries", v.entries(), "brokenAt", v.firstBroken().seq())));
    }

    /** Recomputes the whole chain, after sealing what was appended up to now. */
    public Uni<Verification> verify() {
        Uni<Optional<Head>> anchored = sealer.seal().chain(() -> blocking(anchors::read));
        return anchored.chain(anchor -> compare(anchor).chain(check -> walk(new Verifier(), 0).map(verifier -> {
            boolean intact = verifier.broken() == null
                    && (check.state() == AnchorState.NONE || check.state() == AnchorState.MATCHES);
            return new Verification(intact, verifier.checked(), verifier.lastSeq(),
                    AuditChain.hex(verifier.lastHash()), verifier.broken(), check, clock.instant());
        })));
    }

    /**
     * Copies the head outside the database, only forward: an anchor is never replaced by a shorter or different
     * trail, so cutting entries and anchoring again does not hide the cut.
     */
    public Uni<Head> anchor() {
        return exclusively(this::anchorNow);
    }

    private Uni<Head> anchorNow() {
        return verify().chain(v -> {
            if (onlyCovered(v)) {
                LOG.errorf("the audit anchor was tampered with (%s over entry %d); anchoring the head on top",
                        v.anchor().state(), v.anchor().seq());
                return store(new Head(v.headSeq(), v.headHash(), clock.instant()))
                        .call(head -> audit.record("system", "audit.anchor", "restored", "audit", Map.of("found",
                                v.anchor().state().name(), "anchoredSeq", v.anchor().seq())));
            }
            if (!v.intact()) {
                return refuseAnchor(v.firstBroken() != null ? where(v.firstBroken()) : "anchor " + v.anchor().state(),
                        Map.of("reason", "chain broken")).replaceWith((Head) null);
            }
            Uni<Head> stored = store(new Head(v.headSeq(), v.headHash(), clock.instant()));
            return v.anchor().state() == AnchorState.NONE || v.anchor().legacy()
                    ? stored.call(head -> audit.record("system", FIRST_ANCHOR, "success", "audit",
                            Map.of("seq", head.seq())))
                    : stored;
        });
    }

    /**
     * Runs an anchoring while no other portal instance anchors (a session-level advisory lock in PostgreSQL, held on
     * one connection but outside any transaction: verification and the object store's I/O take a while), so two
     * instances never race a newer anchor with an older one. Busy elsewhere: nothing is done (null).
     */
    private <T> Uni<T> exclusively(java.util.function.Supplier<Uni<T>> work) {
        return pool.withConnection(connection -> connection.preparedQuery("SELECT pg_try_advisory_lock($1) AS mine")
                .execute(Tuple.of(ANCHOR_LOCK)).chain(rows -> rows.iterator().next().getBoolean("mine")
                        ? work.get().eventually(() -> connection.preparedQuery("SELECT pg_advisory_unlock($1)")
                                .execute(Tuple.of(ANCHOR_LOCK)))
                        : Uni.createFrom().nullItem()));
    }

    /**
     * Whether the trail matches the portal's newest anchor and only something laid on top of it (under object lock)
     * stands out: anchoring then puts the head back on top, having logged and audited what it found.
     */
    private static boolean onlyCovered(Verification v) {
        AnchorState state = v.anchor().state();
        return v.firstBroken() == null && v.anchor().seq() != null
                && (state == AnchorState.ROLLED_BACK || state == AnchorState.FORGED || state == AnchorState.MISSING);
    }

    /** Logs and audits that the head was not anchored because the chain is broken ({@code where}). */
    private Uni<Void> refuseAnchor(String where, Map<String, Object> detail) {
        LOG.errorf("audit chain not anchored: it is broken (%s)", where);
        return audit.record("system", "audit.anchor", "refused", "audit", detail).replaceWithVoid();
    }

    private static String where(Break broken) {
        return "entry " + broken.seq() + ": " + broken.reason();
    }

    /** Writes the anchor (object I/O, on a worker thread), never over a newer one; returns what is anchored. */
    Uni<Head> store(Head head) {
        return blocking(() -> {
            Optional<Head> current = anchors.read();
            if (current.isPresent() && current.get().signed() && current.get().seq() > head.seq()) {
                return current.get();
            }
            anchors.write(head);
            return head;
        });
    }

    /**
     * Moves the anchor forward, checking only the entries written since it: a full walk every few minutes would
     * grow with the trail forever. Without an anchor, or when the trail no longer holds the anchored entry as it
     * was, this is the full {@link #anchor()} (which refuses a broken trail). A change inside the anchored part is
     * found by the full verification: on demand, and every {@code portal.audit.verify-every}. Returns the number of
     * entries checked.
     */
    public Uni<Long> extendAnchor() {
        return exclusively(this::extendNow).map(checked -> checked == null ? 0L : checked);
    }

    private Uni<Long> extendNow() {
        return sealer.seal().chain(() -> blocking(anchors::read)).chain(anchored -> compare(anchored).chain(check -> {
            if (check.state() != AnchorState.MATCHES) {
                return anchorNow().replaceWith(-1L);
            }
            Head from = anchored.orElseThrow();
            return walk(new Verifier(from.seq(), java.util.HexFormat.of().parseHex(from.hash())), from.seq())
                    .chain(verifier -> {
                        if (verifier.broken() != null) {
                            return refuseAnchor(where(verifier.broken()), Map.of("reason", "chain broken",
                                    "brokenAt", verifier.broken().seq())).replaceWith(verifier.checked());
                        }
                        if (verifier.lastSeq() == from.seq()) {
                            return Uni.createFrom().item(0L);
                        }
                        return store(new Head(verifier.lastSeq(), AuditChain.hex(verifier.lastHash()),
                                clock.instant())).replaceWith(verifier.checked());
                    });
        }));
    }

    @Scheduled(every = "${portal.audit.anchor-every}", delayed = "${portal.audit.anchor-first-after:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> anchorPeriodically(io.quarkus.scheduler.ScheduledExecution execution) {
        return jobs.claim("audit.anchor", execution)
                .chain(mine -> mine ? extendAnchor().replaceWithVoid() : Uni.createFrom().voidItem()).onFailure()
                .invoke(e -> LOG.error("audit chain anchoring failed", e)).onFailure().recoverWithNull();
    }

    /** The whole trail recomputed, recorded like a verification by a person; a broken chain is logged as an error. */
    @Scheduled(every = "${portal.audit.verify-every}", delayed = "${portal.audit.verify-first-after:1h}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> verifyPeriodically(io.quarkus.scheduler.ScheduledExecution execution) {
        return jobs.claim("audit.verify", execution).chain(mine -> mine
                ? verify("system")
                : Uni.createFrom()
                        .<Verification>nullItem())
                .invoke(v -> {
                    if (v == null) {
                        return;
                    }
                    if (!v.intact()) {
                        LOG.errorf("the audit chain is broken (%s)", v.firstBroken() != null
                                ? where(v.firstBroken())
                                : "anchor " + v.anchor().state());
                    }
                }).replaceWithVoid().onFailure().invoke(e -> LOG.error("audit chain verification failed", e))
                .onFailure()
                .recoverWithNull();
    }

    private Uni<Verifier> walk(Verifier verifier, long afterSeq) {
        // hashing a page takes a while: on the CPU pool, never on the event loop that delivered the rows
        return search.run(afterSeq, PAGE).emitOn(cpu.executor()).chain(entries -> {
            for (Entry e : entries) {
                if (!verifier.accept(e)) {
                    return Uni.createFrom().item(verifier);
                }
            }
            return entries.size() < PAGE ? Uni.createFrom().item(verifier) : walk(verifier, entries.getLast().seq());
        });
    }

    private Uni<AnchorCheck> compare(Optional<Head> anchored) {
        if (anchored.isEmpty()) {
            return anchoringRecorded().map(made -> new AnchorCheck(made ? AnchorState.MISSING : AnchorState.NONE,
                    null, null, null));
        }
        Head head = anchored.get();
        if (head.cover() != AuditAnchor.Cover.NONE) {
            // the trail is compared with the portal's newest anchor; what covers it counts only if the trail matches
            return compareSigned(head).map(c -> c.state() != AnchorState.MATCHES
                    ? c
                    : new AnchorCheck(switch (head.cover()) {
                        case OLDER -> AnchorState.ROLLED_BACK;
                        case FORGED -> AnchorState.FORGED;
                        default -> AnchorState.MISSING;
                    }, c.seq(), c.hash(), c.at()));
        }
        if (!head.signed()) {
            if (!head.legacy()) {
                return Uni.createFrom().item(new AnchorCheck(AnchorState.FORGED, null, null, null));
            }
            // written before anchors were signed: trusted as it is until the first signed anchoring replaces it,
            // never after one (removing a signature must not be a way back)
            return anchoringRecorded().chain(made -> made
                    ? Uni.createFrom().item(new AnchorCheck(AnchorState.FORGED, null, null, null))
                    : compareSigned(head).map(c -> new AnchorCheck(c.state(), c.seq(), c.hash(), c.at(), true)));
        }
        return compareSigned(head);
    }

    /** Whether the trail records a signed anchoring, after which an anchor must always exist and be signed. */
    private Uni<Boolean> anchoringRecorded() {
        return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM portal.audit_event WHERE action = $1 "
                + "AND outcome = 'success') AS made").execute(Tuple.of(FIRST_ANCHOR))
                .map(rows -> rows.iterator().next().getBoolean("made"));
    }

    private Uni<AnchorCheck> compareSigned(Head head) {
        if (head.seq() == 0) {
            // anchored while the trail was still empty: the genesis, which every trail follows
            return Uni.createFrom().item(new AnchorCheck(AuditChain.hex(AuditChain.GENESIS).equals(head.hash())
                    ? AnchorState.MATCHES
                    : AnchorState.REWRITTEN, head.seq(), head.hash(), head.at()));
        }
        return pool.preparedQuery("SELECT (SELECT max(seq) FROM portal.audit_event) AS head, "
                + "(SELECT hash FROM portal.audit_event WHERE seq = $1) AS hash").execute(Tuple.of(head.seq()))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    Long max = r.getLong("head");
                    AnchorState state;
                    if (max == null || max < head.seq() || r.getBuffer("hash") == null) {
                        state = AnchorState.TRUNCATED;
                    } else if (!AuditChain.hex(r.getBuffer("hash").getBytes()).equals(head.hash())) {
                        state = AnchorState.REWRITTEN;
                    } else {
                        state = AnchorState.MATCHES;
                    }
                    return new AnchorCheck(state, head.seq(), head.hash(), head.at());
                });
    }

    private static <T> Uni<T> blocking(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
