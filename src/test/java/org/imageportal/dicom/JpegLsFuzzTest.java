package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile JPEG-LS codestreams, from a fixed seed: real ones from dcmtk truncated, with bytes changed, with markers
 * and lengths broken, with their frame header claiming huge sizes, and scans of garbage. Each either decodes to a
 * frame of the instance's size or ends in {@link JpegLsException}; none throws anything else, runs long, or
 * allocates more than a small multiple of the frame.
 */
class JpegLsFuzzTest {

    private static final long SEED = 0x1505_14_95L;
    private static final long ALLOCATION_BUDGET = 16L << 20;
    private static final Duration WITHIN = Duration.ofSeconds(2);

    record Base(String name, JpegLsImages image, byte[] codestream) {
    }

    private static final List<Base> BASES = new ArrayList<>();

    @BeforeAll
    static void bases() throws Exception {
        Assumptions.assumeTrue(DicomTools.installed("dcmcjpls"), "dcmtk's dcmcjpls is not installed");
        base("grey8 lossless", JpegLsImages.GREY8, "+el");
        base("grey8 preset", JpegLsImages.GREY8, "+t1", "5", "+t2", "11", "+t3", "40", "+rs", "32");
        base("grey12 near-lossless", JpegLsImages.GREY12, "+en", "+md", "3");
        base("grey16 lossless", JpegLsImages.GREY16, "+el");
        base("rgb line", JpegLsImages.RGB, "+il");
        base("rgb sample", JpegLsImages.RGB, "+is");
        base("rgb none", JpegLsImages.RGB, "+in");
    }

    private static void base(String name, JpegLsImages image, String... options) throws Exception {
        BASES.add(new Base(name, image, JpegLsImages.codestream(DicomTools.convert(image.bytes(), "dcmcjpls",
                options))));
    }

    @Test
    void mutatedCodestreamsDecodeOrEndInTheCheckedException() {
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int cases = 0;
        long slowest = 0;
        for (Base base : BASES) {
            for (int n = 0; n < 250; n++) {
                byte[] mutated = mutate(base.codestream(), random, n);
                cases++;
                long started = System.nanoTime();
                Outcome outcome = decode(base.image(), mutated);
                slowest = Math.max(slowest, System.nanoTime() - started);
                if (outcome.failure() != null) {
                    failures.add(base.name() + " case " + n + ": " + outcome.failure());
                } else if (outcome.refused()) {
                    refused++;
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(refused).as("of %d cases, some are refused", cases).isGreaterThan(cases / 4);
        assertThat(slowest).as("the slowest case, in nanoseconds").isLessThan(WITHIN.toNanos());
    }

    @Test
    void aFrameHeaderClaimingAHugeSizeIsRefusedBeforeAnythingIsAllocated() throws Exception {
        Base base = BASES.getFirst();
        byte[] huge = base.codestream().clone();
        int sof = indexOf(huge, (byte) 0xFF, (byte) 0xF7);
        huge[sof + 5] = huge[sof + 6] = huge[sof + 7] = huge[sof + 8] = (byte) 0xFF;
        Outcome outcome = decode(base.image(), huge);
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.message()).contains("size differs");
        // and an instance that itself declares more than the portal decodes
        assertThatThrownBy(() -> JpegLsDecoder.decode(huge, 65535, 65535, 3, 2, WITHIN))
                .isInstanceOf(JpegLsException.class).hasMessageContaining("geometry");
        // more components or more bits than the instance has
        byte[] components = base.codestream().clone();
        components[sof + 9] = 3;
        assertThat(decode(base.image(), components).message()).isNotNull();
        byte[] bits = base.codestream().clone();
        bits[sof + 4] = 16;
        assertThat(decode(base.image(), bits).message()).contains("Bits Allocated");
    }

    @Test
    void scansOfGarbageEndQuickly() {
        Base base = BASES.getFirst();
        byte[] valid = base.codestream();
        int sos = indexOf(valid, (byte) 0xFF, (byte) 0xDA);
        int data = sos + 2 + ((valid[sos + 2] & 0xFF) << 8 | valid[sos + 3] & 0xFF);
        Random random = new Random(SEED + 1);
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            int length = 1 + random.nextInt(4000);
            byte[] garbage = java.util.Arrays.copyOf(valid, data + length + 2);
            for (int i = data; i < data + length; i++) {
                garbage[i] = switch (n % 4) {
                    case 0 -> 0; // endless zeros: unary codes past their limit
                    case 1 -> (byte) 0xFF; // fill bytes: the scan ends at once
                    case 2 -> (byte) (random.nextBoolean() ? 0xFF : 0x7F); // stuffing everywhere
                    default -> (byte) random.nextInt(256);
                };
            }
            garbage[data + length] = (byte) 0xFF;
            garbage[data + length + 1] = (byte) 0xD9;
            Outcome outcome = decode(base.image(), garbage);
            if (outcome.failure() != null) {
                failures.add("case " + n + ": " + outcome.failure());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aHostileFrameThroughThePortalsDecoderIsUndecodable() throws Exception {
        byte[] file = DicomTools.convert(JpegLsImages.GREY12.bytes(), "dcmcjpls");
        int sos = indexOf(file, (byte) 0xFF, (byte) 0xDA);
        for (int i = sos + 14; i < sos + 40; i++) {
            file[i] = 0;
        }
        assertThatThrownBy(() -> JpegLsImages.nativePixels(file)).isInstanceOf(FrameDecoder.Undecodable.class);
        // a series preview of it is left out rather than failing the archive
        assertThat(PreviewImage.png(() -> new ByteArrayInputStream(file))).isEmpty();
    }

    @Test
    void aDecodeThatOutlivesItsDeadlineEndsInTheCheckedException() {
        Base base = BASES.getFirst();
        assertThatThrownBy(() -> JpegLsDecoder.decode(base.codestream(), base.image().rows(), base.image()
                .columns(), 1, 1, Duration.ofNanos(-1))).isInstanceOf(JpegLsException.class)
                .hasMessageContaining("too long");
    }

    /** Truncations, changed bytes, broken lengths, inserted markers and swapped halves, by turns. */
    private static byte[] mutate(byte[] valid, Random random, int n) {
        byte[] out = valid.clone();
        switch (n % 6) {
            case 0 -> out = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 1 -> {
                for (int k = 0, flips = 1 + random.nextInt(8); k < flips; k++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> {
                // the headers: the first 40 bytes hold SOI, SOF55, LSE and SOS
                int at = random.nextInt(Math.min(40, out.length));
                out[at] = (byte) (random.nextBoolean() ? 0xFF : random.nextInt(256));
            }
            case 3 -> {
                int at = 2 + random.nextInt(out.length - 4);
                out[at] = (byte) 0xFF;
                out[at + 1] = (byte) (0xC0 + random.nextInt(64));
            }
            case 4 -> {
                for (int i = random.nextInt(out.length),
                        end = Math.min(out.length, i + random.nextInt(64)); i < end; i++) {
                    out[i] = (byte) (random.nextBoolean() ? 0xFF : 0);
                }
            }
            default -> {
                int cut = random.nextInt(out.length);
                byte[] swapped = new byte[out.length];
                System.arraycopy(valid, cut, swapped, 0, out.length - cut);
                System.arraycopy(valid, 0, swapped, out.length - cut, cut);
                out = random.nextBoolean() ? swapped : java.util.Arrays.copyOf(valid, valid.length * 2);
            }
        }
        return out;
    }

    record Outcome(boolean refused, String message, String failure) {
    }

    private static Outcome decode(JpegLsImages image, byte[] codestream) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            byte[] frame = JpegLsDecoder.decode(codestream, image.rows(), image.columns(), image.samples(),
                    image.bitsAllocated() / 8, WITHIN);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (frame.length != image.rows() * image.columns() * image.samples() * image.bitsAllocated() / 8) {
                return new Outcome(false, null, "a frame of " + frame.length + " bytes");
            }
            return allocated > ALLOCATION_BUDGET
                    ? new Outcome(false, null, "allocated " + allocated + " bytes")
                    : new Outcome(false, null, null);
        } catch (JpegLsException e) {
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            return allocated > ALLOCATION_BUDGET
                    ? new Outcome(true, e.getMessage(), "allocated " + allocated + " bytes")
                    : new Outcome(true, e.getMessage(), null);
        } catch (Throwable t) {
            return new Outcome(false, null, t.toString());
        }
    }

    private static int indexOf(byte[] haystack, byte first, byte second) {
        for (int i = 0; i + 1 < haystack.length; i++) {
            if (haystack[i] == first && haystack[i + 1] == second) {
                return i;
            }
        }
        throw new IllegalArgumentException("marker not found");
    }
}
