package org.imageportal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the portal, the S3 store (found by its command line), this process with the programs it ran, and a peer
 * server while it is watched, phase by phase.
 */
final class CpuMeter {

    private final long[] pids;
    private final long[] last;

    CpuMeter(long portal) throws IOException {
        pids = new long[] {portal, storePid(), ProcessHandle.current().pid(), -1};
        last = new long[pids.length];
        lap();
    }

    /** Also measures {@code orthanc} (-1: no longer) from now on. */
    void watch(long orthanc) throws IOException {
        pids[3] = orthanc;
        last[3] = orthanc < 0 ? 0 : ticks(orthanc, false);
    }

    /** CPU ticks of the portal's threads by name (digits dropped), for finding where its time goes. */
    java.util.Map<String, Long> portalThreads() throws IOException {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pids[0] + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d", "");
                    byName.merge(name, ticks(stat), Long::sum);
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return byName;
    }

    StudyBenchmark.Cpu lap() throws IOException {
        double[] spent = new double[pids.length];
        for (int i = 0; i < pids.length; i++) {
            // this process's own time includes the programs it ran and waited for (storescu)
            long now = pids[i] < 0 ? 0 : ticks(pids[i], i == 2);
            spent[i] = (now - last[i]) / 100.0; // USER_HZ is 100 on Linux
            last[i] = now;
        }
        return new StudyBenchmark.Cpu(spent[0], spent[1], spent[2], spent[3]);
    }

    private static long ticks(long pid, boolean withChildren) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        if (!withChildren) {
            return ticks(stat);
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return ticks(stat) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]); // cutime, cstime
    }

    /** User plus system CPU ticks from a /proc stat line (the fields after the command name). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    }

    private static long storePid() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("s3proxy")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }
}
