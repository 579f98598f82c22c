package dev.envctl.bench.internal.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What the run ran on: CPU model and count, memory, OS, JVM, and the load when it started. */
public final class Machine {
    private Machine() {
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        String cpu = procField("/proc/cpuinfo", "model name");
        int cores = Runtime.getRuntime().availableProcessors();
        String memKb = procField("/proc/meminfo", "MemTotal");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("memory", memKb);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverageAtStart", load);
        m.put("summary", String.format(Locale.ROOT, "%d cores %s, %s RAM, Java %s, load %.1f at start", cores, cpu,
                memKb, System.getProperty("java.specification.version"), load));
        return m;
    }

    private static String procField(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
