package org.imageportal.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.imageportal.identity.Role;

/** What each role can do in the portal, as shown on the home page after sign-in. */
final class Capabilities {

    /** One thing a person can do; {@code path} is where, or null while that part of the portal is not built. */
    record Capability(String title, String description, String path) {

        public boolean available() {
            return path != null;
        }
    }

    /** A role's workspace and what it offers. */
    record Workspace(String role, String title, String path, List<Capability> items) {
    }

    private Capabilities() {
    }

    static List<Workspace> forRoles(Set<Role> roles) {
        List<Workspace> result = new ArrayList<>();
        for (Role role : Role.values()) {
            if (roles.contains(role)) {
                Workspace workspace = of(role);
                if (workspace != null) {
                    result.add(workspace);
                }
            }
        }
        return result;
    }

    static Workspace of(Role role) {
        return switch (role) {
            case PATIENT -> new Workspace("patient", "My imaging", "/patient", List.of(
                    new Capability("My studies", "See your imaging studies and their details.", "/patient/studies"),
                    new Capability("Download", "Download a study as DICOM files with viewable images.",
                            "/patient/studies"),
                    new Capability("Ask for a copy", "A CD, paper, or sending your images to someone you name.",
                            "/patient/requests"),
                    new Capability("Share with a doctor", "Give a doctor access for a limited time.",
                            "/patient/sharing"),
                    new Capability("Who opened what", "See every opening of your studies; take access back.",
                            "/patient/sharing"),
                    new Capability("Accounting of disclosures",
                            "Ask who your images were disclosed to; read the report here.", "/patient/accounting")));
            case PROVIDER -> new Workspace("provider", "Referring physician", "/provider", List.of(
                    new Capability("Shared with me", "Studies patients have shared with you.", "/provider/shared"),
                    new Capability("Viewer", "Open a shared study in the browser, from the list of shared studies.",
                            "/provider/shared")));
            case FRONTDESK -> new Workspace("frontdesk", "Front desk", "/frontdesk", List.of(
                    new Capability("Find a patient", "Search by MRN, name or birth date.", "/frontdesk/patients"),
                    new Capability("Register a patient", "A walk-in new to the practice, before any image exists.",
                            "/frontdesk/patients/registration"),
                    new Capability("Verify identity", "Record how you verified a patient in person.",
                            "/frontdesk/patients"),
                    new Capability("Issue access", "Create portal access after verification.",
                            "/frontdesk/patients"),
                    new Capability("Upload a CD", "Bring in studies from an outside CD or files.", "/frontdesk/upload"),
                    new Capability("Requests for copies", "Patients' requests and their 30-day deadlines.",
                            "/frontdesk/requests"),
                    new Capability("Images held for review",
                            "Images whose patient did not match: compare, release or delete.",
                            "/frontdesk/quarantine"),
                    new Capability("De-identified copies",
                            "Copy a study without the patient's identity for teaching or research, then share it.",
                            "/frontdesk/deid")));
            case PRIVACY_OFFICER -> new Workspace("privacy-officer", "Privacy office", "/privacy", List.of(
                    new Capability("Accounting of disclosures",
                            "Requests and their due dates; disclosures made outside the portal.",
                            "/privacy/accounting"),
                    new Capability("Requests for copies", "Patients' right-of-access requests and deadlines.",
                            "/frontdesk/requests"),
                    new Capability("Audit trail", "Search and verify the tamper-evident audit trail.",
                            "/privacy/audit"),
                    new Capability("Break-glass reviews", "Emergency openings of studies waiting for your finding.",
                            "/privacy/break-glass"),
                    new Capability("Retention and legal holds",
                            "Studies past their retention period: hold them for a matter, or purge them.",
                            "/privacy/retention"),
                    new Capability("Referring physicians", "Invite a provider.", "/admin/providers")));
            case ADMIN -> new Workspace("admin", "Administration", "/admin", List.of(
                    new Capability("System status", "Versions and the state of the services the portal uses.",
                            "/admin"),
                    new Capability("Referring physicians", "Invite a provider.", "/admin/providers"),
                    new Capability("DICOM nodes",
                            "The modalities and PACS allowed to send images over DIMSE: register or remove one.",
                            "/admin/dimse/peers")));
            case BREAK_GLASS -> new Workspace("break-glass", "Emergency access", "/emergency", List.of(
                    new Capability("Open a study in an emergency",
                            "Find a patient by ID and birth date and view a study nobody shared with you; recorded "
                                    + "and reviewed.",
                            "/emergency")));
            case INGEST -> null;
        };
    }
}
