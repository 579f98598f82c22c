package dev.envctl.differential;

import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.lifecycle.DriftPolicy;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import dev.envctl.store.csv.CsvEnvironmentStore;
import dev.envctl.store.jdbc.TestDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One system under test: a store of one kind with its own scripted k3d and kind providers and an engine over
 * them (one environment at a time, so injected failures hit the same call everywhere). Not thread-safe.
 */
final class Sut implements AutoCloseable {
    /** The kinds of store compared; {@link #MEMORY} is the model. */
    enum Kind { MEMORY, CSV, POSTGRES }

    private static final AtomicInteger FILES = new AtomicInteger();
    /** One migrated PostgreSQL schema per role for the run, emptied for every new store. */
    private static final Map<String, TestDatabase.ClassSchema> SCHEMAS = new ConcurrentHashMap<>();

    final Kind kind;
    final EnvironmentStore store;
    final ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
    final ScriptedClusterProvider kindProvider = new ScriptedClusterProvider("kind");
    final Allocator allocator = new Allocator(AllocationPolicy.defaults());
    final LifecycleEngine engine;
    private final Path dir;
    private final List<EnvironmentStore> opened = new ArrayList<>();

    Sut(Kind kind, Path dir, DriftPolicy drift) {
        this.kind = kind;
        this.dir = dir;
        this.store = open(kind, "main");
        this.engine = new LifecycleEngine(store, allocator, Map.<String, ClusterProvider>of("k3d", k3d, "kind", kindProvider),
                List.of(), new EngineOptions(1, drift));
    }

    /** A new, empty store of {@code k}; {@code role} picks the PostgreSQL schema (main, target, back). */
    EnvironmentStore open(Kind k, String role) {
        EnvironmentStore s = switch (k) {
            case MEMORY -> new InMemoryEnvironmentStore();
            case CSV -> CsvEnvironmentStore.open(dir.resolve(role + "-" + FILES.incrementAndGet() + ".csv"));
            case POSTGRES -> SCHEMAS.computeIfAbsent(role, r -> new TestDatabase.ClassSchema("diff_" + r)).emptyStore();
        };
        opened.add(s);
        return s;
    }

    /** A CSV store on a copy of {@code file}, so each system reads the same bytes. */
    EnvironmentStore openCopy(Path file) {
        try {
            Path copy = dir.resolve("copy-" + FILES.incrementAndGet() + ".csv");
            Files.copy(file, copy);
            EnvironmentStore s = CsvEnvironmentStore.open(copy);
            opened.add(s);
            return s;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<Environment> records() {
        return store.list(EnvironmentFilter.ALL);
    }

    /**
     * {@code text} without the location of any of this system's stores ({@code "... in LOCATION (line N)"}), so
     * that messages are compared by what they say.
     */
    String neutral(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (EnvironmentStore o : opened) {
            s = s.replace(o.location(), "<store>");
        }
        // where a store is, and the CSV store's line number, differ by kind; what is said about it must not
        return s.replace(dir.toString(), "<dir>").replaceAll(" in <store>( \\(line \\d+\\))?", "");
    }

    @Override
    public void close() {
        for (EnvironmentStore s : opened) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // closing twice is harmless; a failed close does not change what was compared
            }
        }
    }
}
