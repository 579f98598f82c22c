package dev.envctl.bench.internal.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one run measured: figures, notes (what was skipped and why, what failed) and the machine.
 * Prints the table and writes benchmarks.json. Thread-safe.
 */
public final class Results {
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> machine;
    private final String mode;
    private final Instant started = Instant.now();

    public Results(String mode, Map<String, Object> machine) {
        this.mode = mode;
        this.machine = machine;
    }

    public synchronized Figure add(Figure f) {
        figures.add(f);
        return f;
    }

    public synchronized void note(String text) {
        notes.add(text);
    }

    public synchronized Optional<Figure> find(String id) {
        return figures.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    public synchronized List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** The table: one section per group, ratio and target beside each value. */
    public synchronized void print(PrintStream out) {
        out.printf(Locale.ROOT, "%nenvctl benchmarks (%s mode, %s)%n", mode, machine.get("summary"));
        String format = "  %-88s %10s %-12s %8s %-8s %s%n";
        Map<String, List<Figure>> groups = new LinkedHashMap<>();
        figures.forEach(f -> groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f));
        for (Map.Entry<String, List<Figure>> g : groups.entrySet()) {
            out.printf(Locale.ROOT, "%n%s%n", g.getKey());
            out.printf(Locale.ROOT, format, "figure", "value", "unit", "ratio", "target", "verdict");
            for (Figure f : g.getValue()) {
                out.printf(Locale.ROOT, format, f.label(), format(f.value()), f.unit(),
                        f.ratio() == null ? "" : format(f.ratio()) + "x", f.target() == null ? "" : f.target(),
                        f.met() == null ? "" : f.met() ? "met" : "MISSED");
            }
        }
        if (!notes.isEmpty()) {
            out.printf(Locale.ROOT, "%nNotes%n");
            notes.forEach(n -> out.printf(Locale.ROOT, "  - %s%n", n));
        }
        out.printf(Locale.ROOT, "%nTotal time %ds%n", Duration.between(started, Instant.now()).toSeconds());
    }

    public synchronized void writeJson(Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("mode", mode);
        doc.put("startedAt", started.toString());
        doc.put("seconds", Duration.between(started, Instant.now()).toSeconds());
        doc.put("machine", machine);
        doc.put("figures", figures);
        doc.put("notes", notes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }

    /** Three significant digits, no exponent: 0.00123, 1.23, 123, 12346. */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
