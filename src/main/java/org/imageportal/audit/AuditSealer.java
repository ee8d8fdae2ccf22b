package org.imageportal.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.imageportal.platform.work.MaintenanceCommand;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Seals appended audit entries into the hash chain. Entries are inserted without waiting for each other (an audited
 * transaction holds no lock of the trail); the database's {@code portal.audit_seal} then gives the committed ones
 * their positions and hashes, one sealer at a time (see V27). Whatever reads chain positions (verification, search,
 * exports, forwarding) seals first; every instance also seals every {@code portal.audit.seal-every}.
 */
@ApplicationScoped
public class AuditSealer {

    private static final Logger LOG = Logger.getLogger(AuditSealer.class);
    /** Entries sealed per statement: one transaction each, short enough not to hold the sealer's lock for long. */
    static final int BATCH = 5000;

    private final Pool pool;

    AuditSealer(Pool pool) {
        this.pool = pool;
    }

    /**
     * Seals every entry committed before the call, waiting for a sealer at work elsewhere; returns how many this
     * call sealed.
     */
    public Uni<Long> seal() {
        return sealFrom(0L, true);
    }

    private Uni<Long> sealFrom(long sealed, boolean wait) {
        return pool.preparedQuery("SELECT portal.audit_seal($1, $2) AS n").execute(Tuple.of(BATCH, wait))
                .chain(rows -> {
                    int n = rows.iterator().next().getInteger("n");
                    return n < BATCH ? Uni.createFrom().item(sealed + n) : sealFrom(sealed + n, wait);
                });
    }

    @Scheduled(every = "${portal.audit.seal-every}", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = MaintenanceCommand.class)
    Uni<Void> sealPeriodically() {
        // never waits: when another instance is sealing, it seals these entries too
        return sealFrom(0L, false).replaceWithVoid().onFailure().invoke(e -> LOG.error("audit sealing failed", e))
                .onFailure().recoverWithNull();
    }
}
