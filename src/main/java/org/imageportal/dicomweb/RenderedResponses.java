package org.imageportal.dicomweb;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.imageportal.dicom.DecodedFrame;
import org.imageportal.dicom.FrameDecoder;
import org.imageportal.dicom.FrameRenderer;
import org.imageportal.platform.errors.ProblemException;
import org.imageportal.platform.errors.ProblemType;
import org.imageportal.studies.StudyRecords.StoredInstance;

import io.vertx.core.Context;

/**
 * Rendered images and thumbnails (PS3.18 9.5, 9.6) of a stored instance, whoever asks: one frame decoded by the same
 * {@link FrameDecoder} as the archive's previews, windowed and scaled by {@link FrameRenderer}, encoded as JPEG or
 * PNG. Blocking: it runs on a worker thread, outside any transaction, one frame in memory per request, and only a few
 * requests at a time (a frame at the decoder's cap takes some 100 MB while it is turned into a picture).
 */
@ApplicationScoped
class RenderedResponses {

    /** A thumbnail fits this box unless the request gives a viewport; a smaller image is not enlarged. */
    static final int THUMBNAIL = 256;
    /** Pictures made at once; further requests wait their turn, up to {@link #WAIT_SECONDS}. */
    private static final Semaphore RENDERING = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()),
            true);
    private static final int WAIT_SECONDS = 30;

    @Inject
    DicomWebService service;

    /**
     * Frame {@code frame} (from 1) of the instance as the query asks; the release is recorded once the picture is
     * made, before it is sent.
     */
    Response rendered(DicomWebService.Renderable found, RenderedQuery query, int frame) {
        return answer(found, query, picture(found.instance(), query, frame, 0));
    }

    /** The first frame as a thumbnail: the query's viewport, else fitting {@link #THUMBNAIL} pixels. */
    Response thumbnail(DicomWebService.Renderable found, RenderedQuery query) {
        return answer(found, query, picture(found.instance(), query, 1, THUMBNAIL));
    }

    private Response answer(DicomWebService.Renderable found, RenderedQuery query, byte[] picture) {
        found.release().await().indefinitely();
        return Response.ok(picture).type(query.type().name).header("Vary", "Accept").build();
    }

    private byte[] picture(StoredInstance instance, RenderedQuery query, int frame, int box) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("images are rendered on worker threads only");
        }
        try {
            if (!RENDERING.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new ProblemException(ProblemType.UNAVAILABLE,
                        "too many images are being rendered at the moment; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(ProblemType.UNAVAILABLE, "the image was not rendered; try again");
        }
        try (FrameDecoder decoder = FrameDecoder.open(() -> service.open(instance))) {
            if (frame > decoder.frames()) {
                throw new ProblemException(ProblemType.NOT_FOUND,
                        "frame " + frame + " does not exist: the instance has " + decoder.frames() + " frame(s)");
            }
            DecodedFrame decoded = decoder.decode(frame);
            BufferedImage image = FrameRenderer.render(decoded, query.window());
            if (query.viewport()) {
                image = FrameRenderer.fit(image, query.width(), query.height());
            } else if (box > 0 && Math.max(image.getWidth(), image.getHeight()) > box) {
                image = FrameRenderer.fit(image, box, box);
            }
            return query.type() == RenderedQuery.MediaType.PNG
                    ? FrameRenderer.png(image)
                    : FrameRenderer.jpeg(image, query.quality());
        } catch (FrameDecoder.Undecodable e) {
            throw new ProblemException(ProblemType.NOT_ACCEPTABLE, "this instance cannot be rendered here ("
                    + e.getMessage() + "); retrieve it as application/dicom or its frames as stored");
        } catch (IOException e) {
            throw service.integrityFailure(instance, e);
        } finally {
            RENDERING.release();
        }
    }
}
