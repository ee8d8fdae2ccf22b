package org.imageportal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import java.time.Duration;
import java.util.function.BiFunction;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * The load model the portal's simulations share: an open model of new virtual users per second (-Dload.rate), a
 * warm-up reported apart as the group "warm-up" (-Dload.warm-up seconds: the rate climbs from a tenth to the full
 * rate over its first half and stays there for the second; both JVMs, the portal's and Gatling's own, compile their
 * hot paths in the first minute, and a server that meets its full load cold, with an open-model load that never
 * waits, queues more than it can ever catch up; a server runs for days), then the measured phase (-Dload.seconds)
 * under the simulation's own group name.
 */
abstract class OpenModel extends Simulation {

    static final String BASE = System.getProperty("portal.base", "http://127.0.0.1:8080");
    static final double RATE = Double.parseDouble(System.getProperty("load.rate", "50"));
    static final int SECONDS = Integer.getInteger("load.seconds", 30);
    static final int WARM_UP = Integer.getInteger("load.warm-up", 15);

    /**
     * Sets the simulation up; users makes a scenario from its name and its group.
     */
    void run(BiFunction<String, String, ScenarioBuilder> users, String name, String group,
            HttpProtocolBuilder protocol) {
        Duration half = Duration.ofMillis(Math.max(1000, WARM_UP * 500L));
        setUp(users.apply(name + " (warm-up)", "warm-up").injectOpen(rampUsersPerSec(RATE / 10).to(RATE).during(half),
                constantUsersPerSec(RATE).during(half)),
                users.apply(name, group).injectOpen(nothingFor(half.multipliedBy(2)),
                        constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS))))
                .protocols(protocol);
    }
}
