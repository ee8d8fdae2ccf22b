package org.imageportal.web;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.imageportal.audit.AuditTrail;
import org.imageportal.identity.Actor;
import org.imageportal.identity.Actors;
import org.imageportal.identity.MailConfig;
import org.imageportal.identity.PageSessions;
import org.imageportal.identity.PasskeyRegistration;
import org.imageportal.identity.Role;
import org.imageportal.notifications.NotificationService;
import org.imageportal.notifications.NotificationService.Notification;
import org.imageportal.patients.PatientService;
import org.imageportal.platform.security.Cookies;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** The pages everyone sees: the front door, the home page after sign-in, each role's workspace, sign-out. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class HomePages {

    @CheckedTemplate
    static class Templates {

        static native TemplateInstance index(boolean resetByMail);

        static native TemplateInstance home(Actor actor, List<Capabilities.Workspace> workspaces,
                List<Notification> notifications, String addPasskey, boolean passkeyAdded);

        static native TemplateInstance workspace(Actor actor, Capabilities.Workspace workspace);

        static native TemplateInstance signedOut(String reason);

        static native TemplateInstance signinProblem(boolean resetByMail);

        static native TemplateInstance signingOut(String logout);
    }

    /** How many notifications the home page shows. */
    private static final int NOTIFICATIONS = 10;

    @Inject
    SecurityIdentity identity;

    @Inject
    PatientService patients;

    @Inject
    NotificationService notifications;

    @Inject
    Actors actors;

    @Inject
    RoutingContext context;

    @Inject
    PageSessions sessions;

    @Inject
    AuditTrail audit;

    @Inject
    PasskeyRegistration passkeys;

    /** With mail, Keycloak's sign-in page offers a reset link by e-mail (infra/portal configures both alike). */
    @Inject
    MailConfig mail;

    @GET
    @PermitAll
    public TemplateInstance index() {
        return Templates.index(mail.enabled());
    }

    @GET
    @Path("home")
    @Authenticated
    public TemplateInstance home() {
        Actor actor = actor();
        // Keycloak's answer when a passkey registration comes back; only ever shown to the person who came back
        boolean passkeyAdded = PasskeyRegistration.ACTION.equals(context.queryParams().get("kc_action"))
                && "success".equals(context.queryParams().get("kc_action_status"));
        return Templates.home(actor, Capabilities.forRoles(actor.roles()), notifications(actor), passkeys.uri(),
                passkeyAdded);
    }

    /**
     * A patient's latest notifications, unread first, as the sharing page shows them (reading marks them read);
     * nobody else has any.
     */
    private List<Notification> notifications(Actor actor) {
        if (!actor.has(Role.PATIENT)) {
            return List.of();
        }
        return patients.patientOfAccount(actor.subject()).chain(p -> p.isEmpty()
                ? Uni.createFrom().item(List.<Notification>of())
                : notifications.recent(p.get(), NOTIFICATIONS)).await().indefinitely().stream()
                .sorted(Comparator.comparing((Notification n) -> !n.unread())).toList();
    }

    @GET
    @Path("patient")
    @RolesAllowed(Role.PATIENT_NAME)
    public TemplateInstance patient() {
        return workspace(Role.PATIENT);
    }

    @GET
    @Path("provider")
    @RolesAllowed(Role.PROVIDER_NAME)
    public TemplateInstance provider() {
        return workspace(Role.PROVIDER);
    }

    @GET
    @Path("frontdesk")
    @RolesAllowed(Role.FRONTDESK_NAME)
    public TemplateInstance frontdesk() {
        return workspace(Role.FRONTDESK);
    }

    @GET
    @Path("privacy")
    @RolesAllowed(Role.PRIVACY_OFFICER_NAME)
    public TemplateInstance privacy() {
        return workspace(Role.PRIVACY_OFFICER);
    }

    /**
     * Sign-out: the session is ended for every portal instance at once, then at Keycloak (through the framework's
     * logout address). A POST with the form's CSRF token, so no other site can sign anyone out.
     */
    @POST
    @Path("signout")
    @Authenticated
    public Uni<TemplateInstance> signOut() {
        Optional<String> sid = PageSessions.sid(identity);
        Uni<Void> ended = sid.isEmpty()
                ? Uni.createFrom().voidItem()
                : sessions.end(sid.get()).call(() -> audit.record(actor().subject(), "session.signout", "success",
                        null, java.util.Map.of()));
        // Keycloak is another origin: the form's own redirect chain may not lead there (form-action 'self')
        return ended.map(done -> Templates.signingOut(sessions.logoutUri(context)));
    }

    @GET
    @Path("signed-out")
    @PermitAll
    public TemplateInstance signedOut() {
        String reason = Cookies.value(context, "portal_signout");
        if (reason != null) {
            Cookies.clear(context, "portal_signout");
        }
        return Templates.signedOut(reason == null ? "" : reason);
    }

    @GET
    @Path("signin-problem")
    @PermitAll
    public TemplateInstance signinProblem() {
        return Templates.signinProblem(mail.enabled());
    }

    private TemplateInstance workspace(Role role) {
        return Templates.workspace(actor(), Capabilities.of(role));
    }

    private Actor actor() {
        return actors.current();
    }
}
