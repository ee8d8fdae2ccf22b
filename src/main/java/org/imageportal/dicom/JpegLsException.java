package org.imageportal.dicom;

/**
 * A JPEG-LS codestream that cannot be decoded: malformed, truncated, beyond what its instance declares, using a part
 * of ITU-T T.87 not decoded here, or over its deadline. The message names the reason, never a pixel value.
 */
final class JpegLsException extends Exception {

    JpegLsException(String message) {
        super(message, null, false, false);
    }
}
