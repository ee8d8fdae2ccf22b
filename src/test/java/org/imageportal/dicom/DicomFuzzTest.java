package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnknownAttribute;

/**
 * Hostile input: from a fixed seed, mutations of real files (written by the toolkit in both little-endian syntaxes,
 * grey and colour, single and multi-frame, and compressed by dcmtk where it is installed) with broken lengths, value
 * representations, geometry, truncations and deeply nested sequences. Each must be refused with a reason or accepted
 * and then stream to its end or fail while streaming; previews and de-identification must not fail otherwise; and no
 * case may make the reader allocate more than a small multiple of its size.
 */
class DicomFuzzTest {

    private static final long SEED = 0x5EED_D1C0L;
    private static final Part10Reader.Limits LIMITS = new Part10Reader.Limits(16 << 20, 256 * 1024);
    /** Every input is under 100 kB; anything near this means a declared value was trusted. */
    private static final long ALLOCATION_BUDGET = 48L << 20;
    private static final int MUTATIONS_PER_FILE = 110;
    private static final TestDicom.Patient PATIENT = new TestDicom.Patient("MRNFUZZ77", "PRACTICE",
            "Fuzzpatient^Zed", "19700101");
    private static final Deidentifier.Settings DEID = new Deidentifier.Settings(Set.of(),
            "project-key-for-the-fuzz-test-0000000001".getBytes(StandardCharsets.UTF_8), List.of());
    private static final List<Integer> TAGS = List.of(0x00020000, 0x00020010, 0x00080016, 0x00080018, 0x00100010,
            0x0020000D, 0x00280002, 0x00280008, 0x00280010, 0x00280011, 0x00280100, 0x00280101, 0x00400275,
            0x00090010, 0x00091001, 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD, 0x7FE00010);
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");

    record Base(String name, byte[] bytes, boolean implicit) {
    }

    record Case(String name, byte[] bytes) {
    }

    private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
            .getThreadMXBean();

    @Test
    void mutatedFilesAreRefusedOrReadNeverCrashOrExhaustMemory(@TempDir Path dir) throws Exception {
        assertThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled())
                .as("allocation is measured per thread").isTrue();
        long started = System.nanoTime();
        List<String> missingTools = new ArrayList<>();
        List<Base> bases = bases(dir, missingTools);
        for (Base base : bases) {
            assertUnmutatedIsReadAndDeidentified(base);
        }
        List<Case> cases = cases(bases);

        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        Map<DicomRejection.Reason, Integer> rejections = new EnumMap<>(DicomRejection.Reason.class);
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        int streamFailures = 0;
        int previews = 0;
        int deidentified = 0;
        long maxAllocation = 0;
        String maxAllocationCase = "";
        for (Case c : cases) {
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                try {
                    Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(c.bytes()), LIMITS);
                    accepted++;
                    try (InputStream content = instance.content()) {
                        content.transferTo(OutputStream.nullOutputStream());
                    } catch (DicomStreamException e) {
                        streamFailures++;
                    }
                    try {
                        if (PreviewImage.png(() -> new ByteArrayInputStream(c.bytes())).isPresent()) {
                            previews++;
                        }
                    } catch (IOException e) {
                        // allowed: the stored data failed while read
                    }
                } catch (DicomRejection e) {
                    rejections.merge(e.reason(), 1, Integer::sum);
                    if (e.getMessage().contains(PATIENT.id()) || e.getMessage().contains("Fuzzpatient")) {
                        failures.add(c.name() + ": the rejection names the patient");
                    }
                }
                try {
                    if (!Deidentifier.deidentify(c.bytes(), DEID).excluded()) {
                        deidentified++;
                    }
                } catch (DicomRejection e) {
                    // refused, as it should be when the structure is broken
                }
            } catch (Throwable t) {
                failures.add(c.name() + ": " + t);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated > maxAllocation) {
                maxAllocation = allocated;
                maxAllocationCase = c.name();
            }
        }
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf("DicomFuzzTest: %d cases from %d files%s, %d accepted (%d failed while streaming, %d "
                + "previews), rejections %s, %d de-identified, peak heap used %d MB, largest allocation of one case "
                + "%d MB (%s), %d ms%n", cases.size(), bases.size(),
                missingTools.isEmpty() ? "" : " (tools missing: " + String.join(", ", missingTools) + ")", accepted,
                streamFailures, previews, rejections, deidentified, peak >> 20, maxAllocation >> 20,
                maxAllocationCase, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(failures).as("cases that failed otherwise than by a rejection").isEmpty();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(500);
        assertThat(accepted).as("the unmutated files and harmless mutations are accepted").isGreaterThan(bases.size());
        assertThat(maxAllocation).as("allocation of the worst case (%s)", maxAllocationCase)
                .isLessThan(ALLOCATION_BUDGET);
    }

    /** The files themselves are accepted, and their de-identified copies (compressed ones stay so) too. */
    private static void assertUnmutatedIsReadAndDeidentified(Base base) throws Exception {
        Part10Instance instance = Part10Reader.open(new ByteArrayInputStream(base.bytes()), LIMITS);
        assertThat(instance.content().readAllBytes()).as(base.name()).isEqualTo(base.bytes());
        Deidentifier.Result result = Deidentifier.deidentify(base.bytes(), DEID);
        if (!result.excluded()) {
            Part10Instance copy = Part10Reader.open(new ByteArrayInputStream(result.part10()), LIMITS);
            assertThat(copy.header().transferSyntaxUid()).as(base.name())
                    .isEqualTo(Part10Reader.NATIVE.contains(instance.header().transferSyntaxUid())
                            ? TransferSyntax.ExplicitVRLittleEndian
                            : instance.header().transferSyntaxUid());
            assertThat(copy.header().patient().patientId()).startsWith("ANON-");
            copy.content().transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The same cases on every run: each file, its mutations and nested sequences; then the geometry variants. */
    static List<Case> cases(List<Base> bases) throws Exception {
        Random random = new Random(SEED);
        List<Case> cases = new ArrayList<>();
        for (Base base : bases) {
            cases.add(new Case(base.name(), base.bytes()));
            List<Case> mutations = mutations(base, random);
            Collections.shuffle(mutations, random);
            cases.addAll(mutations.subList(0, Math.min(MUTATIONS_PER_FILE, mutations.size())));
            cases.addAll(deepSequences(base));
        }
        cases.addAll(geometryVariants());
        return cases;
    }

    // ---- the files mutated

    static List<Base> bases(Path dir, List<String> missingTools) throws Exception {
        List<Base> bases = new ArrayList<>();
        bases.add(new Base("ct", TestDicom.ct(PATIENT).study(uid(1)).series(uid(2)).sopInstance(uid(3)).accession("A1")
                .size(16).bytes(), false));
        bases.add(new Base("implicit-ct", image(TransferSyntax.ImplicitVRLittleEndian, 16, 16, 1, 16, 1,
                "MONOCHROME2", Map.of()), true));
        bases.add(new Base("multiframe-8bit", image(TransferSyntax.ExplicitVRLittleEndian, 12, 10, 1, 8, 3,
                "MONOCHROME1", Map.of()), false));
        bases.add(new Base("rgb", image(TransferSyntax.ExplicitVRLittleEndian, 8, 8, 3, 8, 1, "RGB", Map.of()),
                false));
        bases.add(new Base("implicit-rgb-planar", image(TransferSyntax.ImplicitVRLittleEndian, 8, 6, 3, 8, 2, "RGB",
                Map.of(TagFromName.PlanarConfiguration, "1")), true));
        byte[] eightBit = image(TransferSyntax.ExplicitVRLittleEndian, 16, 16, 1, 8, 2, "MONOCHROME2", Map.of());
        byte[] sixteenBit = bases.getFirst().bytes();
        compressed(dir, "dcmcjpeg", List.of(), eightBit, bases, missingTools);
        compressed(dir, "dcmcjpls", List.of(), sixteenBit, bases, missingTools);
        compressed(dir, "dcmcrle", List.of(), eightBit, bases, missingTools);
        fromJpeg(dir, bases, missingTools);
        return bases;
    }

    /** A small image with a nested sequence and a private block, written by the toolkit. */
    static byte[] image(String syntax, int rows, int columns, int samples, int bits, int frames, String photometric,
            Map<AttributeTag, String> extra) throws Exception {
        AttributeList list = new AttributeList();
        TestDicom.put(list, TagFromName.SOPClassUID, SOPClass.CTImageStorage);
        TestDicom.put(list, TagFromName.SOPInstanceUID, uid(rows * 1000 + columns * 10 + samples));
        TestDicom.put(list, TagFromName.StudyInstanceUID, uid(1));
        TestDicom.put(list, TagFromName.SeriesInstanceUID, uid(2));
        TestDicom.put(list, TagFromName.PatientID, PATIENT.id());
        TestDicom.put(list, TagFromName.PatientName, PATIENT.name());
        TestDicom.put(list, TagFromName.Modality, "OT");
        SequenceAttribute request = new SequenceAttribute(TagFromName.RequestAttributesSequence);
        AttributeList item = new AttributeList();
        TestDicom.put(item, TagFromName.RequestedProcedureID, "RP1");
        SequenceAttribute codes = new SequenceAttribute(TagFromName.RequestedProcedureCodeSequence);
        AttributeList code = new AttributeList();
        TestDicom.put(code, TagFromName.CodeValue, "X1");
        codes.addItem(code);
        item.put(codes);
        request.addItem(item);
        list.put(request);
        Attribute creator = new LongStringAttribute(new AttributeTag(0x0009, 0x0010));
        creator.addValue("FUZZ 1.0");
        list.put(creator);
        Attribute blob = new UnknownAttribute(new AttributeTag(0x0009, 0x1001));
        blob.setValues(new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        list.put(blob);
        TestDicom.put(list, TagFromName.PhotometricInterpretation, photometric);
        TestDicom.unsignedShort(list, TagFromName.Rows, rows);
        TestDicom.unsignedShort(list, TagFromName.Columns, columns);
        TestDicom.unsignedShort(list, TagFromName.SamplesPerPixel, samples);
        TestDicom.unsignedShort(list, TagFromName.BitsAllocated, bits);
        TestDicom.unsignedShort(list, TagFromName.BitsStored, bits);
        TestDicom.unsignedShort(list, TagFromName.HighBit, bits - 1);
        TestDicom.unsignedShort(list, TagFromName.PixelRepresentation, 0);
        if (samples == 3 && !extra.containsKey(TagFromName.PlanarConfiguration)) {
            TestDicom.unsignedShort(list, TagFromName.PlanarConfiguration, 0);
        }
        if (frames > 1) {
            TestDicom.put(list, TagFromName.NumberOfFrames, Integer.toString(frames));
        }
        for (Map.Entry<AttributeTag, String> e : extra.entrySet()) {
            list.remove(e.getKey());
            TestDicom.put(list, e.getKey(), e.getValue());
        }
        int count = rows * columns * samples * frames;
        Random random = new Random(rows * 31L + columns);
        if (bits == 16) {
            short[] pixels = new short[count];
            for (int i = 0; i < count; i++) {
                pixels[i] = (short) random.nextInt(4096);
            }
            OtherWordAttribute pixelData = new OtherWordAttribute(TagFromName.PixelData);
            pixelData.setValues(pixels);
            list.put(pixelData);
        } else {
            byte[] pixels = new byte[count + (count & 1)];
            random.nextBytes(pixels);
            OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
            pixelData.setValues(pixels);
            list.put(pixelData);
        }
        FileMetaInformation.addFileMetaInformation(list, syntax, "PORTALTEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, syntax, true, true);
        return out.toByteArray();
    }

    private static void compressed(Path dir, String tool, List<String> options, byte[] input, List<Base> bases,
            List<String> missingTools) throws Exception {
        Path in = dir.resolve(tool + "-in.dcm");
        Path out = dir.resolve(tool + "-out.dcm");
        Files.write(in, input);
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/" + tool);
        command.addAll(options);
        command.add(in.toString());
        command.add(out.toString());
        if (run(command)) {
            bases.add(new Base(tool, Files.readAllBytes(out), false));
        } else {
            missingTools.add(tool);
        }
    }

    /** img2dcm wraps a JPEG as it is: a compressed instance made from an ordinary image file. */
    private static void fromJpeg(Path dir, List<Base> bases, List<String> missingTools) throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(24, 16,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                image.setRGB(x, y, x * 10 << 16 | y * 15 << 8 | 128);
            }
        }
        Path jpeg = dir.resolve("photo.jpg");
        javax.imageio.ImageIO.write(image, "jpeg", jpeg.toFile());
        Path out = dir.resolve("photo.dcm");
        if (run(List.of("/usr/bin/img2dcm", "-k", "StudyInstanceUID=" + uid(1), "-k", "SeriesInstanceUID=" + uid(2),
                "-k", "SOPInstanceUID=" + uid(4), jpeg.toString(), out.toString()))) {
            bases.add(new Base("img2dcm", Files.readAllBytes(out), false));
        } else {
            missingTools.add("img2dcm");
        }
    }

    /** Fixed UIDs, so that the files, and so the mutations, are the same on every run. */
    private static String uid(int n) {
        return "1.2.826.0.1.3680043.9.7777.99." + n;
    }

    private static boolean run(List<String> command) throws Exception {
        if (!Files.isExecutable(Path.of(command.getFirst()))) {
            return false;
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(OutputStream.nullOutputStream());
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    // ---- mutations

    private static List<Case> mutations(Base base, Random random) {
        byte[] file = base.bytes();
        List<Case> out = new ArrayList<>();
        TreeMap<Integer, Integer> positions = positions(file);
        for (Map.Entry<Integer, Integer> found : positions.entrySet()) {
            int p = found.getKey();
            String tag = "%08X@%d".formatted(found.getValue(), p);
            boolean item = found.getValue() >>> 16 == 0xFFFE;
            String vr = new String(file, p + 4, 2, StandardCharsets.US_ASCII);
            boolean explicit = !item && vr.chars().allMatch(c -> c >= 'A' && c <= 'Z')
                    && (!base.implicit() || found.getValue() >>> 16 == 0x0002);
            int lengthAt = !explicit ? p + 4 : LONG_VRS.contains(vr) ? p + 8 : p + 6;
            int lengthSize = explicit && !LONG_VRS.contains(vr) ? 2 : 4;
            long original = lengthSize == 2 ? u16(file, lengthAt) : u32(file, lengthAt);
            long[] lengths = lengthSize == 2
                    ? new long[]{0xFFFF, 0xFFFE, original + 1, original + 2, Math.max(0, original - 2), 0,
                            random.nextInt(0x10000)}
                    : new long[]{0xFFFFFFFFL, 0x7FFFFFFFL, 0x30000000L, 0xFFFFFFFEL, original + 1, original + 2,
                            Math.max(0, original - 2), 0, random.nextLong(0x100000000L)};
            for (long length : lengths) {
                out.add(new Case(base.name() + " length " + tag + "=" + Long.toHexString(length),
                        patch(file, lengthAt, length, lengthSize)));
            }
            if (explicit) {
                for (String other : List.of("SQ", "UN", "OB", "UT", "XX", "--", "\0\0", "ox", "" + (char) (65
                        + random.nextInt(26)) + (char) (65 + random.nextInt(26)))) {
                    byte[] copy = file.clone();
                    copy[p + 4] = (byte) other.charAt(0);
                    copy[p + 5] = (byte) other.charAt(1);
                    out.add(new Case(base.name() + " vr " + tag + "=" + other.replace('\0', '0'), copy));
                }
            }
            // geometry as stored: binary US values and the text of Number of Frames
            int t = found.getValue();
            if (t == 0x00280010 || t == 0x00280011 || t == 0x00280002 || t == 0x00280100) {
                for (long value : new long[]{0, 1, 3, 12, 0x7FFF, 0xFFFF, random.nextInt(0x10000)}) {
                    out.add(new Case(base.name() + " value " + tag + "=" + value, patch(file, p + 8, value, 2)));
                }
            }
            if (t == 0x00280008) {
                int length = (int) original;
                for (String value : List.of("0", "-1", "99999999", "2147483647", "abc", "1\\2", "10001", "2")) {
                    byte[] copy = file.clone();
                    byte[] text = (value + " ".repeat(Math.max(0, length - value.length()))).substring(0, length)
                            .getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(text, 0, copy, p + 8, Math.min(length, copy.length - p - 8));
                    out.add(new Case(base.name() + " frames=" + value, copy));
                }
            }
            for (int delta : new int[]{0, 2, 5, 9}) {
                out.add(new Case(base.name() + " cut " + tag + "+" + delta, Arrays.copyOf(file, p + delta)));
            }
        }
        for (int i = 0; i < 30; i++) {
            int at = 128 + random.nextInt(file.length - 128);
            out.add(new Case(base.name() + " cut at " + at, Arrays.copyOf(file, at)));
        }
        int headerEnd = positions.isEmpty() ? file.length : Math.min(file.length, positions.lastKey() + 12);
        for (int i = 0; i < 40; i++) {
            byte[] copy = file.clone();
            int flips = 1 + random.nextInt(4);
            StringBuilder where = new StringBuilder();
            for (int f = 0; f < flips; f++) {
                int at = 132 + random.nextInt(Math.max(1, headerEnd - 132));
                copy[at] = (byte) random.nextInt(256);
                where.append(' ').append(at);
            }
            out.add(new Case(base.name() + " bytes changed at" + where, copy));
        }
        return out;
    }

    /** Where the interesting tags occur (the last occurrence of Pixel Data is the top-level one). */
    private static TreeMap<Integer, Integer> positions(byte[] file) {
        TreeMap<Integer, Integer> positions = new TreeMap<>();
        int pixelData = lastPixelDataTag(file);
        for (int p = 132; p + 12 <= file.length && p <= pixelData; p++) {
            int group = u16(file, p);
            int element = u16(file, p + 2);
            int tag = group << 16 | element;
            if (TAGS.contains(tag)) {
                positions.put(p, tag);
            }
        }
        return positions;
    }

    private static int lastPixelDataTag(byte[] file) {
        for (int p = file.length - 8; p >= 132; p--) {
            if (u16(file, p) == 0x7FE0 && u16(file, p + 2) == 0x0010) {
                return p;
            }
        }
        return file.length;
    }

    /** Nested sequences inserted before the pixel data: closed, unclosed, overlong, and deeper than allowed. */
    private static List<Case> deepSequences(Base base) {
        List<Case> out = new ArrayList<>();
        int at = lastPixelDataTag(base.bytes());
        if (at >= base.bytes().length) {
            return out;
        }
        for (int depth : new int[]{1, 3, DataSetWalker.MAX_DEPTH, DataSetWalker.MAX_DEPTH + 1, 40, 300}) {
            for (String form : List.of("undefined", "defined", "unclosed", "overlong", "huge-leaf", "unclosed-item")) {
                byte[] nested = nested(depth, form, base.implicit(), 0);
                ByteArrayOutputStream file = new ByteArrayOutputStream();
                file.write(base.bytes(), 0, at);
                file.writeBytes(nested);
                file.write(base.bytes(), at, base.bytes().length - at);
                out.add(new Case(base.name() + " sequences " + form + " x" + depth, file.toByteArray()));
            }
        }
        return out;
    }

    private static byte[] nested(int depth, String form, boolean implicit, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] inner;
        if (level + 1 < depth) {
            inner = nested(depth, form, implicit, level + 1);
        } else {
            ByteArrayOutputStream leaf = new ByteArrayOutputStream();
            byte[] text = "leaf".getBytes(StandardCharsets.US_ASCII);
            writeTag(leaf, 0x0040A160);
            if (!implicit) {
                leaf.writeBytes(new byte[]{'U', 'T', 0, 0});
            }
            writeU32(leaf, "huge-leaf".equals(form) ? 0x30000000L : text.length);
            leaf.writeBytes(text);
            inner = leaf.toByteArray();
        }
        boolean defined = "defined".equals(form) || "overlong".equals(form);
        ByteArrayOutputStream item = new ByteArrayOutputStream();
        writeTag(item, 0xFFFEE000);
        writeU32(item, defined ? inner.length + ("overlong".equals(form) ? 100 : 0) : 0xFFFFFFFFL);
        item.writeBytes(inner);
        if (!defined && !("unclosed-item".equals(form) && level == depth - 1)) {
            writeTag(item, 0xFFFEE00D);
            writeU32(item, 0);
        }
        writeTag(out, 0x0040A730);
        if (!implicit) {
            out.writeBytes(new byte[]{'S', 'Q', 0, 0});
        }
        writeU32(out, defined ? item.size() : 0xFFFFFFFFL);
        out.writeBytes(item.toByteArray());
        if (!defined && !"unclosed".equals(form)) {
            writeTag(out, 0xFFFEE0DD);
            writeU32(out, 0);
        }
        return out.toByteArray();
    }

    /** Files the toolkit writes from nonsensical geometry, in both syntaxes. */
    private static List<Case> geometryVariants() throws Exception {
        List<Case> out = new ArrayList<>();
        for (String syntax : List.of(TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian)) {
            String s = syntax.equals(TransferSyntax.ImplicitVRLittleEndian) ? "implicit" : "explicit";
            for (int[] g : new int[][]{{8192, 8192, 1, 16}, {65535, 65535, 3, 64}, {0, 16, 1, 16}, {16, 0, 1, 16},
                    {16, 16, 0, 16}, {16, 16, 2, 16}, {16, 16, 4, 8}, {16, 16, 1, 0}, {16, 16, 1, 12},
                    {16, 16, 1, 255}, {16, 16, 1, 1}, {16, 16, 1, 32}, {16, 16, 3, 64}}) {
                out.add(new Case(s + " geometry " + Arrays.toString(g), TestDicom.monochromeGeometry(syntax, g[0],
                        g[1], g[2], g[3], null, 2)));
            }
            for (String frames : List.of("0", "-1", "2147483647", "99999999999", "abc", "1\\2", "10001", "+2",
                    " 3 ")) {
                out.add(new Case(s + " frames " + frames, TestDicom.monochromeGeometry(syntax, 4, 4, 1, 8, frames,
                        48)));
            }
            AttributeList list = new AttributeList();
            IntegerStringAttribute rows = new IntegerStringAttribute(TagFromName.Rows);
            rows.addValue("-5");
            list.put(rows);
            out.add(new Case(s + " rows -5 as text", TestDicom.monochromeGeometry(syntax, list, 512)));
        }
        return out;
    }

    // ---- bytes

    private static byte[] patch(byte[] file, int at, long value, int size) {
        byte[] copy = file.clone();
        for (int i = 0; i < size && at + i < copy.length; i++) {
            copy[at + i] = (byte) (value >>> (8 * i));
        }
        return copy;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static void writeTag(ByteArrayOutputStream out, int tag) {
        int group = tag >>> 16;
        int element = tag & 0xFFFF;
        out.write(group & 0xFF);
        out.write(group >>> 8);
        out.write(element & 0xFF);
        out.write(element >>> 8);
    }

    private static void writeU32(ByteArrayOutputStream out, long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }
}
