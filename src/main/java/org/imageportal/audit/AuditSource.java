package org.imageportal.audit;

/** Who writes the audit trail, as audit messages name it: the portal's audit source id and its site. */
public record AuditSource(String id, String site) {
}
