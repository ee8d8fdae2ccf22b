package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frames decoded in the JVM against the known source: every photometric interpretation and pixel format, native and
 * compressed by dcmtk and GDCM, exact where the compression is lossless and within a tolerance where it is not.
 */
class FrameDecoderTest {

    static Stream<Arguments> variants() {
        return Stream.of(
                // name, source, tool and options (none: native), largest error allowed per sample
                Arguments.of("grey16 native", PatternImage.grey16(), null, 0),
                Arguments.of("signed16 native", PatternImage.signed16(), null, 0),
                Arguments.of("grey8 native", PatternImage.grey8(), null, 0),
                Arguments.of("monochrome1 native", PatternImage.monochrome1(), null, 0),
                Arguments.of("rgb native", PatternImage.rgb(), null, 0),
                Arguments.of("rgb planar native", PatternImage.rgbPlanar(), null, 0),
                Arguments.of("ybr_full native", PatternImage.ybrFull(), null, 2),
                Arguments.of("palette native", PatternImage.palette(), null, 0),
                Arguments.of("grey16 multi-frame native", PatternImage.grey16().frames(3), null, 0),
                Arguments.of("grey16 rle", PatternImage.grey16(), new String[]{"dcmcrle"}, 0),
                Arguments.of("signed16 rle", PatternImage.signed16(), new String[]{"dcmcrle"}, 0),
                Arguments.of("grey8 rle", PatternImage.grey8(), new String[]{"dcmcrle"}, 0),
                Arguments.of("rgb rle", PatternImage.rgb(), new String[]{"dcmcrle"}, 0),
                Arguments.of("ybr_full rle", PatternImage.ybrFull(), new String[]{"dcmcrle"}, 2),
                Arguments.of("palette rle", PatternImage.palette(), new String[]{"dcmcrle"}, 0),
                Arguments.of("grey16 multi-frame rle", PatternImage.grey16().frames(3), new String[]{"dcmcrle"}, 0),
                Arguments.of("grey16 jpeg lossless", PatternImage.grey16(), new String[]{"dcmcjpeg", "+el"}, 0),
                Arguments.of("grey16 jpeg lossless sv1", PatternImage.grey16(), new String[]{"dcmcjpeg", "+e1"}, 0),
                Arguments.of("signed16 jpeg lossless", PatternImage.signed16(), new String[]{"dcmcjpeg", "+e1"}, 0),
                Arguments.of("grey8 jpeg lossless", PatternImage.grey8(), new String[]{"dcmcjpeg", "+e1"}, 0),
                Arguments.of("rgb jpeg lossless", PatternImage.rgb(), new String[]{"dcmcjpeg", "+e1"}, 0),
                Arguments.of("grey16 multi-frame jpeg lossless", PatternImage.grey16().frames(3),
                        new String[]{"dcmcjpeg", "+e1"}, 0),
                Arguments.of("grey8 jpeg baseline", PatternImage.grey8(), new String[]{"dcmcjpeg", "+eb", "+q", "95"},
                        6),
                Arguments.of("rgb jpeg baseline", PatternImage.rgb(), new String[]{"dcmcjpeg", "+eb", "+q", "95"},
                        12),
                Arguments.of("grey16 jpeg-ls lossless", PatternImage.grey16(), new String[]{"dcmcjpls"}, 0),
                Arguments.of("signed16 jpeg-ls lossless", PatternImage.signed16(), new String[]{"dcmcjpls"}, 0),
                Arguments.of("grey8 jpeg-ls lossless", PatternImage.grey8(), new String[]{"dcmcjpls"}, 0),
                Arguments.of("monochrome1 jpeg-ls lossless", PatternImage.monochrome1(), new String[]{"dcmcjpls"},
                        0),
                Arguments.of("rgb jpeg-ls lossless", PatternImage.rgb(), new String[]{"dcmcjpls"}, 0),
                Arguments.of("rgb jpeg-ls sample interleaved", PatternImage.rgb(), new String[]{"dcmcjpls", "+is"},
                        0),
                Arguments.of("ybr_full jpeg-ls lossless", PatternImage.ybrFull(), new String[]{"dcmcjpls"}, 2),
                Arguments.of("palette jpeg-ls lossless", PatternImage.palette(), new String[]{"dcmcjpls"}, 0),
                Arguments.of("grey16 multi-frame jpeg-ls", PatternImage.grey16().frames(3),
                        new String[]{"dcmcjpls", "+fs", "1"}, 0),
                Arguments.of("grey16 jpeg-ls near-lossless", PatternImage.grey16(),
                        new String[]{"dcmcjpls", "+en", "+md", "3"}, 3),
                Arguments.of("rgb jpeg-ls near-lossless", PatternImage.rgb(), new String[]{"dcmcjpls", "+en", "+md",
                        "2"}, 2),
                Arguments.of("grey16 j2k lossless", PatternImage.grey16(), new String[]{"gdcmconv", "--j2k"}, 0),
                Arguments.of("signed16 j2k lossless", PatternImage.signed16(), new String[]{"gdcmconv", "--j2k"}, 0),
                Arguments.of("rgb j2k lossless", PatternImage.rgb(), new String[]{"gdcmconv", "--j2k"}, 0),
                Arguments.of("grey16 multi-frame j2k", PatternImage.grey16().frames(3),
                        new String[]{"gdcmconv", "--j2k"}, 0),
                Arguments.of("grey16 j2k lossy", PatternImage.grey16(),
                        new String[]{"gdcmconv", "--j2k", "--lossy", "-r", "10"}, 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void decodesToTheSourcePixels(String name, PatternImage image, String[] tool, int tolerance) throws Exception {
        byte[] file = compressed(image, tool);
        try (FrameDecoder decoder = FrameDecoder.open(() -> new ByteArrayInputStream(file))) {
            assertThat(decoder.frames()).isEqualTo(image.frames());
            // the last frame first, so that the source is opened again for the others
            for (int f : image.frames() == 1 ? new int[]{1} : new int[]{3, 1, 2}) {
                DecodedFrame frame = decoder.decode(f);
                assertThat(frame.rows()).isEqualTo(image.size());
                int worst = 0;
                for (int i = 0; i < image.size() * image.size(); i++) {
                    int x = i % image.size();
                    int y = i / image.size();
                    if (image.colour() || image.photometric().equals("PALETTE COLOR")) {
                        int got = frame.rgb(i);
                        int want = image.rgb(x, y, f);
                        for (int shift = 0; shift <= 16; shift += 8) {
                            worst = Math.max(worst, Math.abs((got >> shift & 0xFF) - (want >> shift & 0xFF)));
                        }
                    } else {
                        worst = Math.max(worst, Math.abs(frame.storedValue(i) - image.grey(x, y, f)));
                    }
                }
                assertThat(worst).as("%s frame %d: largest error", name, f).isLessThanOrEqualTo(tolerance);
            }
        }
    }

    @Test
    void htj2kIsUndecodableRatherThanWrongAndJpegLsIsDecoded() throws Exception {
        assertThat(FrameDecoder.decodable("1.2.840.10008.1.2.4.80")).isTrue();
        assertThat(FrameDecoder.decodable("1.2.840.10008.1.2.4.81")).isTrue();
        assertThat(FrameDecoder.decodable("1.2.840.10008.1.2.4.201")).isFalse();
        assertThat(FrameDecoder.decodable("1.2.840.10008.1.2.4.51")).isTrue();
    }

    @Test
    void previewOfAJpegLsImageIsTheImage() throws Exception {
        byte[] file = compressed(PatternImage.grey8(), new String[]{"dcmcjpls"});
        byte[] png = PreviewImage.png(() -> new ByteArrayInputStream(file)).orElseThrow();
        var picture = javax.imageio.ImageIO.read(new ByteArrayInputStream(png));
        assertThat(picture.getWidth()).isEqualTo(64);
        byte[] source = PatternImage.grey8().bytes();
        var expected = javax.imageio.ImageIO.read(new ByteArrayInputStream(PreviewImage.png(
                () -> new ByteArrayInputStream(source)).orElseThrow()));
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertThat(picture.getRaster().getSample(x, y, 0)).as("(%d, %d)", x, y)
                        .isEqualTo(expected.getRaster().getSample(x, y, 0));
            }
        }
    }

    @Test
    void previewOfACompressedImageIsTheImage() throws Exception {
        byte[] file = DicomTools.convert(PatternImage.grey8().bytes(), "dcmcrle");
        byte[] png = PreviewImage.png(() -> new ByteArrayInputStream(file)).orElseThrow();
        var picture = javax.imageio.ImageIO.read(new ByteArrayInputStream(png));
        assertThat(picture.getWidth()).isEqualTo(64);
        // no window in the header: the full range, so the darkest pixel is black and the brightest white
        assertThat(picture.getRaster().getSample(0, 0, 0)).isZero();
        int brightest = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                brightest = Math.max(brightest, picture.getRaster().getSample(x, y, 0));
            }
        }
        assertThat(brightest).isEqualTo(255);
    }

    /**
     * RLE frames with bytes changed at random (fixed seed) decode or are refused as undecodable, never another
     * failure, and never allocate by a size the data does not back.
     */
    @Test
    void hostileRleFramesAreRefusedCleanly() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Random random = new java.util.Random(23);
        java.util.List<String> failures = new java.util.ArrayList<>();
        int refused = 0;
        byte[] valid = compressed(PatternImage.grey16(), new String[]{"dcmcrle"});
        int start = valid.length - 1;
        while (!(valid[start] == (byte) 0xE0 && valid[start + 1] == 0x7F && valid[start + 2] == 0x10
                && valid[start + 3] == 0)) {
            start--;
        }
        // past the tag, its length, the empty offset table item and the fragment's item header
        start += 12 + 8 + 8;
        for (int n = 0; n < 300; n++) {
            byte[] file = valid.clone();
            for (int k = 0, flips = 1 + random.nextInt(8); k < flips; k++) {
                file[start + random.nextInt(Math.min(n < 100 ? 64 : file.length - start - 8, file.length - start
                        - 8))] = (byte) random.nextInt(256);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            try (FrameDecoder decoder = FrameDecoder.open(() -> new ByteArrayInputStream(file))) {
                decoder.decode(1);
            } catch (FrameDecoder.Undecodable e) {
                refused++;
            } catch (Throwable t) {
                failures.add("case " + n + ": " + t);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated > 16L << 20) {
                failures.add("case " + n + ": allocated " + allocated + " bytes");
            }
        }
        assertThat(failures).isEmpty();
        assertThat(refused).as("some changed frames are refused").isPositive();
    }

    /** A JPEG whose own frame header claims 65535 x 65535 pixels over a 64 x 64 instance: refused before decoding. */
    @Test
    void codestreamLargerThanItsInstanceIsRefusedBeforeDecoding() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (String[] tool : java.util.List.of(new String[]{"dcmcjpeg", "+e1"}, new String[]{"dcmcjpeg", "+eb"})) {
            byte[] file = compressed(PatternImage.grey8(), tool);
            int sof = indexOf(file, new byte[]{(byte) 0xFF, (byte) (tool[1].equals("+eb") ? 0xC0 : 0xC3)},
                    file.length - 4096 * 2);
            assertThat(sof).isPositive();
            file[sof + 5] = file[sof + 6] = file[sof + 7] = file[sof + 8] = (byte) 0xFF;
            long before = threads.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> {
                try (FrameDecoder decoder = FrameDecoder.open(() -> new ByteArrayInputStream(file))) {
                    decoder.decode(1);
                }
            }).isInstanceOf(FrameDecoder.Undecodable.class).hasMessageContaining("size differs");
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(16L << 20);
        }
    }

    @Test
    void brokenRleHeadersAreRefused() throws Exception {
        byte[] valid = DicomTools.convert(PatternImage.grey8().bytes(), "dcmcrle");
        int header = indexOf(valid, new byte[]{(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0}, valid.length - 4096 * 2);
        // the fragment after the empty offset table: its first 4 bytes count the segments, the next 4 the offset
        int fragment = indexOf(valid, new byte[]{(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0}, header + 4) + 8;
        for (int[] change : new int[][]{{0, 15}, {0, 0}, {4, 0x7F}, {5, 0x7F}}) {
            byte[] file = valid.clone();
            file[fragment + change[0]] = (byte) change[1];
            assertThatThrownBy(() -> {
                try (FrameDecoder decoder = FrameDecoder.open(() -> new ByteArrayInputStream(file))) {
                    decoder.decode(1);
                }
            }).isInstanceOf(FrameDecoder.Undecodable.class);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer : for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] compressed(PatternImage image, String[] tool) throws Exception {
        byte[] source = image.bytes();
        if (tool == null) {
            return source;
        }
        Assumptions.assumeTrue(DicomTools.installed(tool[0]), tool[0] + " is not installed");
        return DicomTools.convert(source, tool[0], java.util.Arrays.copyOfRange(tool, 1, tool.length));
    }
}
