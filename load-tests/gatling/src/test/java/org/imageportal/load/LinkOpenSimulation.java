package org.imageportal.load;

import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;

/**
 * Opening share links as recipients do, each virtual user a fresh browser: the landing page (the token's signature
 * checked, the link looked up), the access code (compared, opening counted and audited, the patient notified, the
 * link session set), then the study's metadata under the link (decrypted from the index, disclosed). The three
 * together are reported as the group "link open", in the load model of {@link OpenModel}. Links, codes and study
 * UIDs come from the CSV that infra/portal load prepares.
 */
public class LinkOpenSimulation extends OpenModel {

    private static final String LINKS = System.getProperty("portal.links", "links.csv");

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
        run(LinkOpenSimulation::recipients, "share-link recipients", "link open", http.baseUrl(BASE)
                .disableFollowRedirect().acceptHeader("text/html,application/dicom+json")
                .userAgentHeader("portal-load/link-open"));
    }
}
