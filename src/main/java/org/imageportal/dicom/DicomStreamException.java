package org.imageportal.dicom;

import java.io.IOException;

/**
 * Thrown from an instance's content stream when the bytes turn out to be unacceptable only while they stream
 * (truncated pixel data, over the size limit). Callers that stored the bytes so far must discard them.
 */
public final class DicomStreamException extends IOException {

    private final transient DicomRejection rejection;

    DicomStreamException(DicomRejection rejection) {
        super(rejection.getMessage());
        this.rejection = rejection;
    }

    public DicomRejection rejection() {
        return rejection;
    }
}
