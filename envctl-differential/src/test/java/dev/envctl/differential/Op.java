package dev.envctl.differential;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.migration.MigrationReport;
import dev.envctl.core.migration.StoreMigration;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.testing.ScriptedClusterProvider;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One step of a sequence. Every random choice is made when the step is generated, so a step does the same on
 * every system and in every replay; {@link #run} returns what a user would see of it, as text to compare.
 */
sealed interface Op {
    String run(Sut s) throws Exception;

    /** What a caller sees of an error: its code and its message with store locations neutralised. */
    static String error(Sut s, EnvctlException e) {
        return "error " + e.code() + ": " + s.neutral(e.getMessage());
    }

    static String record(Sut s, Environment e) {
        return e.name() + " " + e.provider() + " subnet=" + e.subnet() + " ports=" + e.ports() + " node="
                + e.nodePort() + " labels=" + e.labels() + " options=" + e.options() + " " + e.desiredState().key()
                + "/" + e.actualState().key() + " lastError=" + s.neutral(e.lastError()) + " v" + e.version();
    }

    static String records(Sut s, EnvironmentStore store) {
        return store.list(EnvironmentFilter.ALL).stream().map(e -> record(s, e)).collect(Collectors.joining("\n"));
    }

    static String outcomes(Sut s, ReconcileReport r) {
        List<String> out = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            out.add(o.name() + " " + o.action() + " " + o.state() + " " + s.neutral(o.error()));
        }
        return out + " unmanaged=" + r.unmanaged().size();
    }

    /** A request as generated: its parts are checked when the step runs, as a user's input is. */
    record Request(String name, String provider, Integer http, Integer https, Integer pf, Integer api, String subnet,
                   int nodePort, Map<String, String> labels, Map<String, String> options) {
        EnvironmentSpec spec() {
            return new EnvironmentSpec(name, provider, new HostPorts(http, https, pf, api), SubnetRequest.parse(subnet),
                    nodePort, labels, options);
        }

        @Override
        public String toString() {
            return name + "/" + provider + " ports=" + http + "," + https + "," + pf + "," + api + " subnet=" + subnet
                    + " node=" + nodePort + " labels=" + Strings.show(labels) + " options=" + Strings.show(options);
        }
    }

    /** {@code envctl create}: the engine records, creates the cluster (failing with {@code toolFailure}) and ends. */
    record Create(Request request, String toolFailure) implements Op {
        public String run(Sut s) {
            try {
                EnvironmentSpec spec = request.spec();
                if (toolFailure != null) {
                    provider(s, spec.provider()).failNextCreate(toolFailure);
                }
                try {
                    return "created " + record(s, s.engine.create(spec, ProgressListener.NONE));
                } finally {
                    clearFailures(s);
                }
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "create " + request + (toolFailure == null ? "" : " failing " + Strings.show(toolFailure));
        }
    }

    /** {@code envctl create --no-wait}: only the store's atomic allocate-and-insert. */
    record Record(Request request) implements Op {
        public String run(Sut s) {
            try {
                return "recorded " + record(s, s.store.create(request.spec(), s.allocator));
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "create --no-wait " + request;
        }
    }

    /** {@code envctl delete [--keep-record]}, the provider's delete failing with {@code toolFailure}. */
    record Delete(String name, boolean keepRecord, String toolFailure) implements Op {
        public String run(Sut s) {
            try {
                if (toolFailure != null) {
                    s.k3d.failNextDelete(toolFailure);
                    s.kindProvider.failNextDelete(toolFailure);
                }
                try {
                    return "deleted " + s.engine.delete(name, keepRecord, ProgressListener.NONE).map(e -> record(s, e))
                            .orElse("(record gone)");
                } finally {
                    clearFailures(s);
                }
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "delete " + name + (keepRecord ? " --keep-record" : "")
                    + (toolFailure == null ? "" : " failing " + Strings.show(toolFailure));
        }
    }

    /** {@code envctl apply [--prune]} of the requests (the file formats are read by the CLI's own tests). */
    record Apply(List<Request> requests, boolean prune) implements Op {
        public String run(Sut s) {
            try {
                List<EnvironmentSpec> specs = new ArrayList<>();
                for (Request r : requests) {
                    specs.add(r.spec());
                }
                return "applied " + outcomes(s, s.engine.apply(specs, prune, ProgressListener.NONE));
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "apply" + (prune ? " --prune " : " ") + requests;
        }
    }

    /** {@code envctl reconcile} after clusters vanished, with the next list or create failing. */
    record Reconcile(List<String> vanished, String listFailure, String createFailure) implements Op {
        public String run(Sut s) {
            vanished.forEach(n -> {
                s.k3d.removeCluster(n);
                s.kindProvider.removeCluster(n);
            });
            if (listFailure != null) {
                s.k3d.failNextList(listFailure);
            }
            if (createFailure != null) {
                s.k3d.failNextCreate(createFailure);
            }
            try {
                return "reconciled " + outcomes(s, s.engine.reconcile(List.of(), ProgressListener.NONE));
            } catch (EnvctlException e) {
                return error(s, e);
            } finally {
                clearFailures(s);
            }
        }

        @Override
        public String toString() {
            return "reconcile vanished=" + vanished + (listFailure == null ? "" : " list failing "
                    + Strings.show(listFailure)) + (createFailure == null ? "" : " create failing "
                    + Strings.show(createFailure));
        }
    }

    /** {@code envctl migrate} into a new store of {@code target}, and back into a new store of the system's kind. */
    record Migrate(Sut.Kind target) implements Op {
        public String run(Sut s) {
            try {
                EnvironmentStore to = s.open(target, "target");
                MigrationReport there = StoreMigration.migrate(s.store, to, Set.of(), false);
                EnvironmentStore back = s.open(s.kind, "back");
                MigrationReport home = StoreMigration.migrate(to, back, Set.of(), false);
                String original = records(s, s.store);
                String returned = records(s, back);
                return "migrated " + Op.rows(s, there) + " back " + Op.rows(s, home)
                        + (original.equals(returned) ? " round trip equal" : " round trip DIFFERS:\n" + returned);
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "migrate to " + target + " and back";
        }
    }

    /** {@code envctl migrate --from FILE.csv} of hand-written rows into the system's store. */
    record MigrateFile(List<String> rows) implements Op {
        public String run(Sut s) throws Exception {
            Path file = Files.createTempFile("envctl-diff", ".csv");
            try {
                Files.writeString(file, String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
                EnvironmentStore from = s.openCopy(file);
                return "migrated " + Op.rows(s, StoreMigration.migrate(from, s.store, Set.of(), false));
            } catch (EnvctlException e) {
                return error(s, e);
            } finally {
                Files.deleteIfExists(file);
            }
        }

        @Override
        public String toString() {
            return "migrate --from file " + rows.stream().map(Strings::show).toList();
        }
    }

    static String rows(Sut s, MigrationReport r) {
        return r.rows().stream().map(row -> row.name() + " " + row.outcome()
                + (row.reason() == null ? "" : " (" + s.neutral(row.reason()) + ")")).toList().toString();
    }

    private static ScriptedClusterProvider provider(Sut s, String id) {
        return "kind".equals(id) ? s.kindProvider : s.k3d;
    }

    /** Failures a step injected but did not use must not leak into the next step. */
    private static void clearFailures(Sut s) {
        s.k3d.clearFailures();
        s.kindProvider.clearFailures();
    }
}
