package org.imageportal.dicom;

import java.util.LinkedList;
import java.util.List;
import java.util.Set;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;

/**
 * Accepts every storage SOP class and verification, each in the first transfer syntax the peer proposes that the
 * portal stores and serves as received (compressed ones included), so an instance is never converted on the way in.
 * Anything else is refused per presentation context (PS3.8 9.3.3.2: reasons 3 and 4).
 */
final class StoragePresentationPolicy implements PresentationContextSelectionPolicy {

    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    private static final Set<String> VERIFICATION_SYNTAXES = Set.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1");

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList contexts, int associationNumber) {
        for (Object item : contexts) {
            PresentationContext context = (PresentationContext) item;
            String abstractSyntax = context.getAbstractSyntaxUID();
            Set<String> allowed;
            if (SOPClass.isVerification(abstractSyntax)) {
                allowed = VERIFICATION_SYNTAXES;
            } else if (Part10Reader.STORAGE_SOP_CLASSES.contains(abstractSyntax)) {
                allowed = Part10Reader.TRANSFER_SYNTAXES;
            } else {
                context.setResultReason(ABSTRACT_SYNTAX_NOT_SUPPORTED);
                continue;
            }
            String chosen = null;
            for (Object proposed : (List) context.getTransferSyntaxUIDs()) {
                if (allowed.contains(proposed)) {
                    chosen = (String) proposed;
                    break;
                }
            }
            if (chosen == null) {
                context.setResultReason(TRANSFER_SYNTAXES_NOT_SUPPORTED);
                continue;
            }
            context.newTransferSyntaxUIDs();
            context.addTransferSyntaxUID(chosen);
            context.setResultReason(ACCEPTANCE);
        }
        return contexts;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList contexts, int associationNumber,
            int debugLevel) {
        return applyPresentationContextSelectionPolicy(contexts, associationNumber);
    }
}
