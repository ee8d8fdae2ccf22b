package org.imageportal.platform.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** What operators and client developers rely on: liveness, metrics and the API description. */
@QuarkusTest
class OperationsEndpointsTest {

    @Test
    void livenessAnswers() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAreExposed() {
        given().get("/");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("http_server_requests_seconds_count"));
    }

    @Test
    void openApiDescribesTheApisAndTheirBearerSecurity() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/me"))
                .body(containsString("/api/admin/system"))
                .body(containsString("openIdConnect"));
    }
}
