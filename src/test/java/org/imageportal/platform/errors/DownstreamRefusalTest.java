package org.imageportal.platform.errors;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.junit.jupiter.api.Test;

/**
 * A service the portal calls (Keycloak's admin API) that refuses the portal is the portal's failure, not the
 * caller's: its status (a 408, a 400) never reaches the caller as if the caller had erred. The portal's own refusals
 * keep theirs.
 */
class DownstreamRefusalTest {

    private final ProblemMappers mappers = new ProblemMappers();

    DownstreamRefusalTest() {
        mappers.responses = new ProblemResponses();
    }

    @Test
    void aRefusalFromAServiceThePortalCallsIsAnInternalErrorWithAnId() {
        for (int status : new int[]{400, 404, 408, 409}) {
            Response answer = mappers.web(new ClientWebApplicationException(Response.status(status).build()), null);
            assertThat(answer.getStatus()).as("downstream %d", status).isEqualTo(500);
            assertThat(((Problem) answer.getEntity()).errorId()).isNotBlank();
        }
    }

    @Test
    void thePortalsOwnRefusalsKeepTheirStatus() {
        Response answer = mappers.web(new NotFoundException(), null);
        assertThat(answer.getStatus()).isEqualTo(404);
        assertThat(((Problem) answer.getEntity()).errorId()).isNull();
    }
}
