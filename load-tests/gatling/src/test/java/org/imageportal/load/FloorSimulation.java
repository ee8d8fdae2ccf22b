package org.imageportal.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * The floor under {@link LinkOpenSimulation} on the same machine: the same open model of new virtual users per
 * second, each a fresh connection making three requests, but to a small static asset of the portal (its HTTP stack,
 * security headers and load shedding; no database, no template, no cryptography). What this costs in CPU and
 * latency, Gatling included, no share-link opening can go below; `infra/portal load --floor` runs it beside an
 * opening's database work in pgbench.
 */
public class FloorSimulation extends OpenModel {

    private static final String PATH = System.getProperty("load.floor-path", "/css/portal.css");

    private static ScenarioBuilder users(String name, String group) {
        return scenario(name).group(group).on(exec(http("first").get(PATH).check(status().is(200))),
                exec(http("second").get(PATH).check(status().is(200))),
                exec(http("third").get(PATH).check(status().is(200))));
    }

    {
        // no cache: every request reaches the portal, as an opening's do
        run(FloorSimulation::users, "static asset", "floor", http.baseUrl(BASE).disableFollowRedirect()
                .disableCaching().acceptHeader("text/css").userAgentHeader("portal-load/floor"));
    }
}
