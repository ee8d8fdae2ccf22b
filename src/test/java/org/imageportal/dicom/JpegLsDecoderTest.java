package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JPEG-LS frames written by dcmtk's {@code dcmcjpls} decoded by the portal's own decoder, bit for bit equal to what
 * dcmtk's {@code dcmdjpls} decodes from the same file: lossless and near-lossless, 8, 12 and 16 bits, signed, RGB in
 * every interleave mode, with default and preset coding parameters; lossless ones also equal to the source.
 */
class JpegLsDecoderTest {

    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(DicomTools.installed("dcmcjpls") && DicomTools.installed("dcmdjpls"),
                "dcmtk's JPEG-LS tools are not installed");
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                // name, source, dcmcjpls options, lossless
                Arguments.of("grey8 lossless", JpegLsImages.GREY8, new String[]{"+el"}, true),
                Arguments.of("grey12 lossless", JpegLsImages.GREY12, new String[]{"+el"}, true),
                Arguments.of("grey16 lossless", JpegLsImages.GREY16, new String[]{"+el"}, true),
                Arguments.of("signed16 lossless", JpegLsImages.SIGNED16, new String[]{"+el"}, true),
                Arguments.of("rgb lossless line interleaved", JpegLsImages.RGB, new String[]{"+el", "+il"}, true),
                Arguments.of("rgb lossless sample interleaved", JpegLsImages.RGB, new String[]{"+el", "+is"},
                        true),
                Arguments.of("rgb lossless not interleaved", JpegLsImages.RGB, new String[]{"+el", "+in"}, true),
                Arguments.of("grey8 lossless cooked", JpegLsImages.GREY8, new String[]{"+el", "+pc"}, true),
                Arguments.of("grey8 lossless preset thresholds", JpegLsImages.GREY8,
                        new String[]{"+el", "+t1", "5", "+t2", "11", "+t3", "40", "+rs", "32"}, true),
                Arguments.of("grey12 lossless preset thresholds", JpegLsImages.GREY12,
                        new String[]{"+el", "+t1", "9", "+t2", "30", "+t3", "200", "+rs", "100"}, true),
                Arguments.of("grey8 near-lossless 1", JpegLsImages.GREY8, new String[]{"+en", "+md", "1"}, false),
                Arguments.of("grey8 near-lossless 2", JpegLsImages.GREY8, new String[]{"+en", "+md", "2"}, false),
                Arguments.of("grey12 near-lossless 3", JpegLsImages.GREY12, new String[]{"+en", "+md", "3"}, false),
                Arguments.of("grey16 near-lossless 7", JpegLsImages.GREY16, new String[]{"+en", "+md", "7"}, false),
                Arguments.of("rgb near-lossless line interleaved", JpegLsImages.RGB,
                        new String[]{"+en", "+md", "2", "+il"}, false),
                Arguments.of("rgb near-lossless sample interleaved", JpegLsImages.RGB,
                        new String[]{"+en", "+md", "2", "+is"}, false),
                Arguments.of("rgb near-lossless not interleaved", JpegLsImages.RGB,
                        new String[]{"+en", "+md", "2", "+in"}, false),
                Arguments.of("grey12 near-lossless preset thresholds", JpegLsImages.GREY12,
                        new String[]{"+en", "+md", "2", "+t1", "12", "+t2", "40", "+t3", "300", "+rs", "200"}, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void decodesBitExactlyAsDcmtkDoes(String name, JpegLsImages image, String[] options, boolean lossless)
            throws Exception {
        byte[] source = image.bytes();
        byte[] compressed = DicomTools.convert(source, "dcmcjpls", options);
        byte[] expected = JpegLsImages.nativePixels(DicomTools.convert(compressed, "dcmdjpls", "+px"));
        byte[] decoded = JpegLsImages.nativePixels(compressed);
        assertThat(decoded).as(name).hasSameSizeAs(expected);
        assertThat(firstDifference(decoded, expected)).as(name + ": first byte that differs from dcmdjpls")
                .isEqualTo(-1);
        byte[] original = JpegLsImages.nativePixels(source);
        if (lossless) {
            assertThat(firstDifference(decoded, original)).as(name + ": first byte that differs from the source")
                    .isEqualTo(-1);
        } else {
            assertThat(firstDifference(decoded, original)).as(name + ": near-lossless is not lossless here")
                    .isNotEqualTo(-1);
        }
    }

    @Test
    void aMultiFrameJpegLsInstanceDecodesEveryFrame() throws Exception {
        byte[] file = DicomTools.convert(PatternImage.grey16().frames(3).bytes(), "dcmcjpls");
        byte[] expected = DicomTools.convert(file, "dcmdjpls");
        try (FrameDecoder decoder = FrameDecoder.open(() -> new java.io.ByteArrayInputStream(file));
                FrameDecoder reference = FrameDecoder.open(() -> new java.io.ByteArrayInputStream(expected))) {
            for (int frame : new int[]{3, 1, 2}) {
                assertThat(decoder.decode(frame).nativePixelData()).isEqualTo(reference.decode(frame)
                        .nativePixelData());
                assertThat(decoder.decode(frame).storedValue(64 * 10 + 5)).isEqualTo(PatternImage.grey16().grey(5,
                        10, frame));
            }
        }
    }

    @Test
    void defaultThresholdsFollowTheStandard() {
        // T.87 C.2.4.1.1.1: the 8-bit defaults are 3, 7, 21; 12-bit 18, 67, 276; 16-bit as 12-bit
        assertThat(JpegLsDecoder.defaultThresholds(255, 0)).containsExactly(3, 7, 21);
        assertThat(JpegLsDecoder.defaultThresholds(4095, 0)).containsExactly(18, 67, 276);
        assertThat(JpegLsDecoder.defaultThresholds(65535, 0)).containsExactly(18, 67, 276);
        assertThat(JpegLsDecoder.defaultThresholds(255, 2)).containsExactly(9, 17, 35);
        assertThat(JpegLsDecoder.defaultThresholds(3, 0)).containsExactly(2, 3, 3);
        assertThat(JpegLsDecoder.defaultThresholds(15, 0)).containsExactly(2, 3, 4);
    }

    /** The decode speed of a 512 x 512 12-bit CT-like frame, printed for the performance notes. */
    @Test
    void decodesA512By512SixteenBitFrameQuickly() throws Exception {
        JpegLsImages image = JpegLsImages.CT512;
        byte[] compressed = DicomTools.convert(image.bytes(), "dcmcjpls");
        byte[] codestream = JpegLsImages.codestream(compressed);
        byte[] expected = JpegLsImages.nativePixels(image.bytes());
        byte[] decoded = null;
        for (int i = 0; i < 20; i++) {
            decoded = JpegLsDecoder.decode(codestream, 512, 512, 1, 2, Duration.ofSeconds(5));
        }
        assertThat(decoded).isEqualTo(expected);
        int rounds = 40;
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            JpegLsDecoder.decode(codestream, 512, 512, 1, 2, Duration.ofSeconds(5));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        double megabytes = rounds * 512.0 * 512 * 2 / 1e6;
        System.out.printf(java.util.Locale.ROOT, "JPEG-LS decode, 512 x 512 x 16 bit (%d bytes compressed): %.1f MB/s"
                + " of decoded pixels by the clock, %.1f MB/s a CPU second, %.2f ms CPU a frame%n", codestream.length,
                megabytes / seconds, megabytes / cpuSeconds, cpuSeconds * 1000 / rounds);
        assertThat(seconds / rounds).as("seconds a frame").isLessThan(1.0);
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int n = java.util.Arrays.mismatch(a, b);
        return n;
    }
}
