package dev.classbase.ops.tune;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The defaults of {@code ./classbase tune}: this machine's memory and cores. */
public final class ThisMachine {
    private ThisMachine() {}

    /**
     * MemTotal from /proc/meminfo, lowered to the cgroup v2 limit when a container has one (the
     * server may use no more than that); the JVM's view of physical memory off Linux.
     */
    public static long ramBytes() {
        Optional<Long> total = memTotal(Path.of("/proc/meminfo"));
        long ram = total.orElseGet(ThisMachine::jvmPhysicalMemory);
        Optional<Long> limit = cgroupLimit(Path.of("/sys/fs/cgroup/memory.max"));
        return limit.filter(l -> l < ram).orElse(ram);
    }

    /** The cores this process may use (the JVM already honours a container's CPU quota). */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static Optional<Long> memTotal(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                // "MemTotal:       16318604 kB"
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) * Units.KB);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: fall back to the JVM's figure
        }
        return Optional.empty();
    }

    static Optional<Long> cgroupLimit(Path memoryMax) {
        try {
            String value = Files.readString(memoryMax).trim();
            return value.matches("\\d+") ? Optional.of(Long.parseLong(value)) : Optional.empty(); // "max": none
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long jvmPhysicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }
}
