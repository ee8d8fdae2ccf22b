package org.imageportal.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real DICOM tools of the machine (dcmtk, GDCM) run on files of the tests: compression and decompression. */
public final class DicomTools {

    private DicomTools() {
    }

    /** Whether a tool is on the PATH (GDCM is optional). */
    public static boolean installed(String tool) {
        try {
            return new ProcessBuilder("which", tool).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code file} converted by {@code tool} with {@code options}, e.g. {@code convert(f, "dcmcjpls")} or
     * {@code convert(f, "dcmcjpeg", "+el")}: the tool's usual form "tool [options] in out".
     */
    public static byte[] convert(byte[] file, String tool, String... options) throws Exception {
        return run(file, "in.dcm", "out.dcm", (in, out) -> {
            List<String> command = new ArrayList<>(List.of(tool));
            command.addAll(List.of(options));
            command.addAll(List.of(in.toString(), out.toString()));
            return command;
        });
    }

    /**
     * An HTJ2K codestream of one frame of little-endian samples (OpenJPH's {@code ojph_compress}), reversible
     * (lossless) or, with {@code qstep}, irreversible.
     */
    public static byte[] htj2k(byte[] samples, int columns, int rows, int bits, boolean signed, Double qstep)
            throws Exception {
        return run(samples, "in.yuv", "out.j2c", (in, out) -> {
            List<String> command = new ArrayList<>(List.of("ojph_compress", "-i", in.toString(), "-o",
                    out.toString(), "-dims", "{" + columns + "," + rows + "}", "-num_comps", "1", "-signed",
                    Boolean.toString(signed), "-bit_depth", Integer.toString(bits), "-downsamp", "{1,1}"));
            command.addAll(qstep == null
                    ? List.of("-reversible", "true")
                    : List.of("-reversible", "false", "-qstep", qstep.toString()));
            return command;
        });
    }

    private interface Command {

        List<String> of(Path in, Path out);
    }

    private static byte[] run(byte[] input, String inName, String outName, Command make) throws Exception {
        Path work = Files.createTempDirectory("dicom-tool");
        try {
            Path in = work.resolve(inName);
            Path out = work.resolve(outName);
            Path log = work.resolve("tool.log");
            Files.write(in, input);
            List<String> command = make.of(in, out);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + Files.readString(log)).isZero();
            return Files.readAllBytes(out);
        } finally {
            try (var files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(work);
        }
    }
}
