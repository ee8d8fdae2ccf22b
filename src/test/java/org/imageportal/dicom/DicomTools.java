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
        Path work = Files.createTempDirectory("dicom-tool");
        try {
            Path in = work.resolve("in.dcm");
            Path out = work.resolve("out.dcm");
            Path log = work.resolve("tool.log");
            Files.write(in, file);
            List<String> command = new ArrayList<>(List.of(tool));
            command.addAll(List.of(options));
            command.addAll(List.of(in.toString(), out.toString()));
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
