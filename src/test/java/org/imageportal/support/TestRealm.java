package org.imageportal.support;

import static io.restassured.RestAssured.given;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The test realm in the real Keycloak: creates people with a password, a TOTP authenticator and one role
 * (through the portal's own service account, which may manage users), and signs them in.
 * Every test makes its own users, so tests never share state or TOTP windows.
 */
public final class TestRealm {

    /** A person in the test realm. */
    public record User(String id, String username, String password, String totpSecret, String firstName,
            String lastName) {

        public String displayName() {
            return firstName + " " + lastName;
        }
    }

    private TestRealm() {
    }

    public static String keycloakUrl() {
        return ConfigProvider.getConfig().getValue("portal.identity.keycloak-url", String.class);
    }

    public static String realm() {
        return ConfigProvider.getConfig().getValue("portal.identity.realm", String.class);
    }

    public static String realmUrl() {
        return keycloakUrl() + "/realms/" + realm();
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests through infra/portal test");
        }
        return value;
    }

    static String serviceToken() {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", "portal-api")
                .formParam("client_secret", env("PORTAL_KC_API_CLIENT_SECRET"))
                .post(realmUrl() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    public static User createUser(String role) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String username = role.replace("-", "") + "-" + suffix;
        String password = "Pw-" + UUID.randomUUID();
        String secret = Totp.newSecret();
        String first = Character.toUpperCase(role.charAt(0)) + role.substring(1).replace("-", "");
        String last = "Test" + suffix;
        String token = serviceToken();
        Map<String, Object> user = Map.of(
                "username", username, "enabled", true, "email", username + "@test.example",
                "emailVerified", true, "firstName", first, "lastName", last,
                "credentials", List.of(
                        Map.of("type", "password", "value", password, "temporary", false),
                        Map.of("type", "otp", "userLabel", "test authenticator",
                                "secretData", "{\"value\":\"" + secret + "\"}",
                                "credentialData", "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,"
                                        + "\"algorithm\":\"HmacSHA1\",\"secretEncoding\":\"BASE32\"}")));
        Response created = given().auth().oauth2(token).contentType(ContentType.JSON).body(user)
                .post(keycloakUrl() + "/admin/realms/" + realm() + "/users");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("could not create test user: HTTP " + created.statusCode() + " "
                    + created.asString());
        }
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        if (role != null) {
            String base = keycloakUrl() + "/admin/realms/" + realm() + "/users/" + id + "/role-mappings/realm";
            List<Map<String, Object>> available = given().auth().oauth2(token).get(base + "/available")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            List<Map<String, Object>> wanted = available.stream().filter(r -> role.equals(r.get("name"))).toList();
            if (wanted.isEmpty()) {
                throw new IllegalStateException("no realm role " + role);
            }
            given().auth().oauth2(token).contentType(ContentType.JSON).body(wanted).post(base)
                    .then().statusCode(204);
        }
        return new User(id, username, password, secret, first, last);
    }

    /** Accounts with this e-mail address, as Keycloak's admin API shows them. */
    public static List<Map<String, Object>> usersByEmail(String email) {
        return given().auth().oauth2(serviceToken()).queryParam("email", email).queryParam("exact", true)
                .get(keycloakUrl() + "/admin/realms/" + realm() + "/users").then().statusCode(200).extract()
                .jsonPath().getList("$");
    }

    /** Keycloak's raw answer to password + a one-time code (test client with the OTP step). */
    public static io.restassured.response.Response otpSignIn(User user, String code) {
        return given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("client_id", "portal-test").formParam("username", user.username())
                .formParam("password", user.password()).formParam("totp", code)
                .formParam("scope", "openid").post(realmUrl() + "/protocol/openid-connect/token");
    }

    /** How many one-time-password credentials the account has. */
    public static int otpCredentials(String userId) {
        List<String> types = given().auth().oauth2(serviceToken())
                .get(keycloakUrl() + "/admin/realms/" + realm() + "/users/" + userId + "/credentials").then()
                .statusCode(200).extract().jsonPath().getList("type");
        return (int) types.stream().filter("otp"::equals).count();
    }

    /** How many passkeys (Keycloak's passwordless WebAuthn credentials) the account has. */
    public static int passkeys(String userId) {
        List<String> types = given().auth().oauth2(serviceToken())
                .get(keycloakUrl() + "/admin/realms/" + realm() + "/users/" + userId + "/credentials").then()
                .statusCode(200).extract().jsonPath().getList("type");
        return (int) types.stream().filter("webauthn-passwordless"::equals).count();
    }

    /** The names of the realm roles granted to an account (directly or as defaults). */
    public static List<String> realmRoles(String userId) {
        return given().auth().oauth2(serviceToken())
                .get(keycloakUrl() + "/admin/realms/" + realm() + "/users/" + userId + "/role-mappings/realm/composite")
                .then().statusCode(200).extract().jsonPath().getList("name");
    }

    /**
     * What Keycloak answers to a password sign-in (test client without OTP step): the error code, e.g.
     * {@code invalid_grant} with "Account is not fully set up" for a right temporary password.
     */
    public static io.restassured.response.Response passwordSignIn(String username, String password) {
        return given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("client_id", "portal-test-nomfa").formParam("username", username)
                .formParam("password", password).post(realmUrl() + "/protocol/openid-connect/token");
    }

    /** Password + one-time code through the test-only direct-grant client (OTP unconditionally required). */
    public static String mfaToken(User user) {
        return directGrant("portal-test", user, Totp.now(user.totpSecret()));
    }

    /** Same, but the token lives 2 seconds. */
    public static String shortLivedToken(User user) {
        return directGrant("portal-test-short", user, Totp.now(user.totpSecret()));
    }

    /** A genuine token of this realm issued after the password alone. */
    public static String passwordOnlyToken(User user) {
        return directGrant("portal-test-nomfa", user, null);
    }

    /** The PACS/modality machine client (client credentials). */
    public static String ingestToken() {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", "portal-ingest")
                .formParam("client_secret", env("PORTAL_KC_INGEST_CLIENT_SECRET"))
                .post(realmUrl() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    /** A real token from another realm (Keycloak's master realm): valid signature, foreign issuer. */
    public static String foreignIssuerToken() {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("client_id", "admin-cli")
                .formParam("username", "admin")
                .formParam("password", env("KC_ADMIN_PASSWORD"))
                .post(keycloakUrl() + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    private static String directGrant(String client, User user, String otp) {
        var request = given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("client_id", client)
                .formParam("username", user.username())
                .formParam("password", user.password())
                .formParam("scope", "openid");
        if (otp != null) {
            request.formParam("totp", otp);
        }
        Response response = request.post(realmUrl() + "/protocol/openid-connect/token");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("sign-in failed for " + client + " at " + Instant.now() + ": "
                    + response.statusCode() + " " + response.asString());
        }
        return response.path("access_token");
    }
}
