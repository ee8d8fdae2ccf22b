package org.imageportal.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Nobody can reset a password by e-mail here (Keycloak sends no mail), so the pages a locked-out person reaches
 * say what to do instead: come to the desk with photo ID for a new activation code.
 */
@QuarkusTest
class WelcomePageTest {

    @Test
    void theWelcomeAndTheSignInProblemPageSayWhatToDoWhenLockedOut() {
        for (String page : new String[]{"/", "/signin-problem"}) {
            given().get(page).then().statusCode(200).body(containsString("id=\"lost-access\""))
                    .body(containsString("Forgot your password")).body(containsString("photo ID"))
                    .body(containsString("a new activation code"));
        }
    }
}
