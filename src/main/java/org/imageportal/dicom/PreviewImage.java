package org.imageportal.dicom;

import java.io.IOException;
import java.util.Optional;

/**
 * Renders the first frame of an instance as an 8-bit PNG a patient can open anywhere, with the header's window (see
 * {@link FrameRenderer}), in every transfer syntax {@link FrameDecoder} decodes; anything else has no preview rather
 * than a wrong one. The header is read with the same bounded reader as at ingest and only the first frame is decoded;
 * nothing is allocated before the geometry has been checked against the pixel data and the decoder's cap.
 */
public final class PreviewImage {

    /** A preview is made of frames up to the decoder's cap (4096 x 4096 pixels). */
    static final long MAX_PREVIEW_PIXELS = FrameDecoder.MAX_FRAME_PIXELS;

    private PreviewImage() {
    }

    /**
     * The PNG, or empty if the instance has no pixel data that can be shown faithfully.
     *
     * @param instance opens the stored instance (twice for compressed pixel data: once to index its frames)
     */
    public static Optional<byte[]> png(FrameDecoder.Source instance) throws IOException {
        try (FrameDecoder decoder = FrameDecoder.open(instance)) {
            return Optional.of(FrameRenderer.png(FrameRenderer.render(decoder.decode(1), null)));
        } catch (FrameDecoder.Undecodable | java.io.EOFException e) {
            return Optional.empty();
        }
    }
}
