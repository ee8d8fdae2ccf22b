package org.imageportal.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * Opening share links as recipients do, each virtual user a fresh browser: the landing page (the token's signature
 * checked, the link looked up), the access code (compared, opening counted and audited, the patient notified, the
 * link session set), then the study's metadata under the link (decrypted from the index, disclosed). The three
 * together are reported as the group "link open"; the load is an open model of new recipients per second. A warm-up
 * phase runs first and is reported apart as the group "warm-up": the rate climbs from a tenth to the full rate over
 * its first half and stays there for the second (both JVMs, the portal's and Gatling's own, compile their hot paths
 * in the first minute, and a server that meets its full load cold, with an open-model load that never waits, queues
 * more than it can ever catch up; a server runs for days). Links, codes and study UIDs come from the CSV that
 * infra/portal load prepares.
 */
public class LinkOpenSimulation extends Simulation {

    private static final String BASE = System.getProperty("portal.base", "http://127.0.0.1:8080");
    private static final String LINKS = System.getProperty("portal.links", "links.csv");
    private static final double RATE = Double.parseDouble(System.getProperty("load.rate", "50"));
    private static final int SECONDS = Integer.getInteger("load.seconds", 30);
    private static final int WARM_UP = Integer.getInteger("load.warm-up", 15);

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE).disableFollowRedirect()
            .acceptHeader("text/html,application/dicom+json").userAgentHeader("portal-load/link-open");

    private final ScenarioBuilder warmUp = recipients("share-link recipients (warm-up)", "warm-up");
    private final ScenarioBuilder openLink = recipients("share-link recipients", "link open");

    private static ScenarioBuilder recipients(String name, String group) {
        return scenario(name).feed(csv(LINKS).circular()).group(group).on(
                exec(http("landing page").get("#{path}").check(status().is(200),
                        regex("name=\"_csrf\" value=\"([^\"]+)\"").saveAs("csrf"))),
                exec(http("access code").post("#{path}").formParam("_csrf", "#{csrf}")
                        .formParam("name", "Load Recipient").formParam("code", "#{code}").check(status().is(303))),
                exec(http("study metadata").get("#{path}/dicomweb/studies/#{study}/metadata")
                        .header("Accept", "application/dicom+json").check(status().is(200))));
    }

    {
        Duration half = Duration.ofMillis(Math.max(1000, WARM_UP * 500L));
        setUp(warmUp.injectOpen(rampUsersPerSec(RATE / 10).to(RATE).during(half),
                constantUsersPerSec(RATE).during(half)),
                openLink.injectOpen(nothingFor(half.multipliedBy(2)),
                        constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS))))
                .protocols(protocol);
    }

    private static io.gatling.javaapi.core.ChainBuilder exec(io.gatling.javaapi.http.HttpRequestActionBuilder request) {
        return io.gatling.javaapi.core.CoreDsl.exec(request);
    }
}
