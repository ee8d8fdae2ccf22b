package org.imageportal.audit;

import java.util.ArrayList;
import java.util.List;

import org.imageportal.audit.AuditChain.Entry;

/** The objects an audit entry is about, read from its entity ({@code kind:id}). Plain Java. */
final class AuditObjects {

    /** One object: its kind (study, patient, link, ...) and the portal's id for it. */
    record Ref(String kind, String id) {

        boolean person() {
            return "patient".equals(kind) && !kind.equals(id);
        }
    }

    private AuditObjects() {
    }

    static List<Ref> of(Entry e) {
        List<Ref> refs = new ArrayList<>();
        if (e.entity() != null) {
            int colon = e.entity().indexOf(':');
            if (colon > 0 && colon < e.entity().length() - 1) {
                refs.add(new Ref(e.entity().substring(0, colon), e.entity().substring(colon + 1)));
            } else {
                refs.add(new Ref(e.entity(), e.entity()));
            }
        }
        return refs;
    }
}
