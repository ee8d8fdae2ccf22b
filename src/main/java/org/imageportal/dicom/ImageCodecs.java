package org.imageportal.dicom;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;

import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The Java image readers that decode compressed frames: TwelveMonkeys' JPEG reader (Maven Central,
 * {@code com.twelvemonkeys.imageio:imageio-jpeg}) for JPEG baseline and lossless, delegating 8-bit DCT to the JDK's
 * own reader; the JAI Image I/O JPEG 2000 reader (Maven Central, {@code com.github.jai-imageio:jai-imageio-jpeg2000})
 * for JPEG 2000 Part 1. The readers are made directly rather than found in the global ImageIO registry, so that what
 * decodes a frame does not depend on the class path order. The codestream's own header (its size and number of
 * components) is read and checked against the instance before any pixel is decoded: a reader allocates by it.
 */
final class ImageCodecs {

    /** The codec of a transfer syntax, or null when no reader here decodes it. */
    enum Codec {
        JPEG, JPEG_2000
    }

    private static final ImageReaderSpi JPEG = jpegProvider();
    private static final ImageReaderSpi JPEG_2000 = new com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi();

    private ImageCodecs() {
    }

    private static ImageReaderSpi jpegProvider() {
        var provider = new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi();
        // finds the JDK's JPEG reader it delegates DCT decoding to; the JDK's readers are always registered
        provider.onRegistration(IIORegistry.getDefaultInstance(), ImageReaderSpi.class);
        return provider;
    }

    /**
     * The codec for a transfer syntax: JPEG baseline (8-bit), JPEG lossless (process 14, and its first-order
     * prediction), JPEG 2000 Part 1 lossless and lossy. JPEG extended (12-bit DCT), JPEG-LS and HTJ2K have no decoder
     * in the JVM here.
     */
    static Codec codec(String transferSyntax) {
        return switch (transferSyntax) {
            case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
                    "1.2.840.10008.1.2.4.70" ->
                Codec.JPEG;
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> Codec.JPEG_2000;
            default -> null;
        };
    }

    /**
     * The readers are not ours: each decode runs under a deadline on a thread of its own (see {@link CodecGuard}).
     * Five seconds is some fifty times what a 4096 x 4096 frame takes here.
     */
    static final CodecGuard GUARD = new CodecGuard(Duration.ofSeconds(5), 4);

    /** The decoded samples of one codestream, once its header agrees with the instance's geometry. */
    static Raster decode(Codec codec, byte[] codestream, int rows, int columns, int samples)
            throws FrameDecoder.Undecodable {
        return GUARD.run(() -> decodeNow(codec, codestream, rows, columns, samples));
    }

    private static Raster decodeNow(Codec codec, byte[] codestream, int rows, int columns, int samples)
            throws FrameDecoder.Undecodable {
        ImageReader reader;
        try {
            reader = (codec == Codec.JPEG ? JPEG : JPEG_2000).createReaderInstance();
        } catch (IOException e) {
            throw new FrameDecoder.Undecodable("no decoder for this compression");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(codestream))) {
            reader.setInput(in, true, true);
            if (reader.getWidth(0) != columns || reader.getHeight(0) != rows) {
                throw new FrameDecoder.Undecodable("the compressed frame's size differs from Rows and Columns");
            }
            var type = reader.getRawImageType(0);
            if (type != null && type.getNumBands() != samples) {
                throw new FrameDecoder.Undecodable(
                        "the compressed frame's components differ from Samples per Pixel");
            }
            Raster raster = reader.readRaster(0, null);
            if (raster.getWidth() != columns || raster.getHeight() != rows || raster.getNumBands() != samples) {
                throw new FrameDecoder.Undecodable("the decoded frame differs from the instance's geometry");
            }
            return raster;
        } catch (IOException | RuntimeException e) {
            // the readers report broken codestreams in many ways (IIOException, runtime exceptions)
            throw new FrameDecoder.Undecodable("the compressed frame cannot be decoded");
        } finally {
            reader.dispose();
        }
    }
}
