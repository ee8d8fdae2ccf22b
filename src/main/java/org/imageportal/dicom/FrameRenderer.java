package org.imageportal.dicom;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Turns a decoded frame into a picture for a screen (PS3.18 8.3.5 rendered media types): grey frames through the
 * modality rescale and a VOI window (the one asked for, else the header's first, else the frame's full range, with
 * the functions of PS3.3 C.11.2.1.2), MONOCHROME1 inverted; colour and palette frames as they are. Then scaled to fit
 * a viewport and encoded as PNG or JPEG.
 */
public final class FrameRenderer {

    /** The largest viewport side: a rendered picture stays a screen's size. */
    public static final int MAX_VIEWPORT = 4096;

    /** The VOI LUT functions of PS3.3 C.11.2.1.3. */
    public enum Function {
        LINEAR, LINEAR_EXACT, SIGMOID
    }

    /** A VOI window in modality units. */
    public record Window(double center, double width, Function function) {

        public Window {
            if (!Double.isFinite(center) || !Double.isFinite(width) || width <= 0
                    || function == Function.LINEAR && width < 1) {
                throw new IllegalArgumentException("a window has a finite center and a positive width "
                        + "(at least 1 for the linear function)");
            }
        }

        /** The 8-bit grey level of a value in modality units. */
        int grey(double x) {
            double y = switch (function) {
                case LINEAR -> {
                    double c = center - 0.5;
                    double w = width - 1;
                    if (x <= c - w / 2) {
                        yield 0;
                    }
                    if (x > c + w / 2) {
                        yield 1;
                    }
                    yield w == 0 ? 1 : (x - c) / w + 0.5;
                }
                case LINEAR_EXACT -> (x - center) / width + 0.5;
                case SIGMOID -> 1 / (1 + Math.exp(-4 * (x - center) / width));
            };
            return (int) Math.round(Math.clamp(y, 0.0, 1.0) * 255);
        }
    }

    private FrameRenderer() {
    }

    /**
     * The frame as an 8-bit picture.
     *
     * @param window the window to apply to a grey frame, or null for the header's
     */
    public static BufferedImage render(DecodedFrame frame, Window window) {
        int count = frame.rows() * frame.columns();
        if (!frame.grey()) {
            BufferedImage image = new BufferedImage(frame.columns(), frame.rows(), BufferedImage.TYPE_INT_RGB);
            int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < count; i++) {
                out[i] = frame.rgb(i);
            }
            return image;
        }
        Window used = window != null ? window : headerWindow(frame);
        boolean invert = "MONOCHROME1".equals(frame.photometric());
        BufferedImage image = new BufferedImage(frame.columns(), frame.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < count; i++) {
            int g = used.grey(frame.modalityValue(i));
            out[i] = (byte) (invert ? 255 - g : g);
        }
        return image;
    }

    /** The header's first window, or the full range of the frame's values when it has none. */
    static Window headerWindow(DecodedFrame frame) {
        DecodedFrame.Presentation p = frame.presentation();
        if (Double.isFinite(p.windowCenter()) && Double.isFinite(p.windowWidth()) && p.windowWidth() >= 1) {
            return new Window(p.windowCenter(), p.windowWidth(), Function.LINEAR);
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        int count = frame.rows() * frame.columns();
        for (int i = 0; i < count; i++) {
            double v = frame.modalityValue(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new Window((min + max) / 2, Math.max(1, max - min), Function.LINEAR_EXACT);
    }

    /**
     * The picture scaled to fit {@code width} x {@code height} (aspect kept), or as it is when both are 0.
     */
    public static BufferedImage fit(BufferedImage image, int width, int height) {
        if (width <= 0 && height <= 0) {
            return image;
        }
        double scale = Math.min(width > 0 ? (double) width / image.getWidth() : Double.MAX_VALUE,
                height > 0 ? (double) height / image.getHeight() : Double.MAX_VALUE);
        int w = Math.clamp(Math.round(image.getWidth() * scale), 1, MAX_VIEWPORT);
        int h = Math.clamp(Math.round(image.getHeight() * scale), 1, MAX_VIEWPORT);
        if (w == image.getWidth() && h == image.getHeight()) {
            return image;
        }
        BufferedImage scaled = new BufferedImage(w, h, image.getType());
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return scaled;
    }

    /** The picture as PNG. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // writes to memory do not fail
        }
        return out.toByteArray();
    }

    /** The picture as baseline JPEG of {@code quality} (1 to 100). */
    public static byte[] jpeg(BufferedImage image, int quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.clamp(quality, 1, 100) / 100f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
