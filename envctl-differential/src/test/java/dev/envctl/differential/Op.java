package dev.envctl.differential;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldSnapshot;
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
import java.time.Instant;
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

    /**
     * {@link #error}, but of a {@code VERSION_CONFLICT} only the code: its wording is each store's own (PostgreSQL
     * says "changed since it was read (stored version N, expected M)", as docs/stores/postgresql.md shows, the others
     * "changed (version N, expected M)").
     */
    static String versionError(Sut s, EnvctlException e) {
        return e.code() == ErrorCode.VERSION_CONFLICT ? "error VERSION_CONFLICT" : error(s, e);
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

    /** {@code envctl create --no-wait --host H}: the store's create placed on a named host or by {@code auto}. */
    record Place(Request request, String host, Map<String, String> selector) implements Op {
        public String run(Sut s) {
            try {
                HostRequest h = HostRequest.AUTO_NAME.equals(host) ? HostRequest.auto(selector) : HostRequest.of(host);
                return "placed " + record(s, s.store.create(request.spec().withHost(h), s.allocator));
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "create --no-wait --host " + host + (selector.isEmpty() ? "" : " " + Strings.show(selector)) + " "
                    + request;
        }
    }

    /** {@code envctl host add}. */
    record AddHost(String name, String docker, String address, Map<String, String> labels, Integer capacity)
            implements Op {
        public String run(Sut s) {
            try {
                Host h = s.store.addHost(new Host(name, docker, address, labels, capacity).requireAddable());
                return "host added " + h + " hosts=" + s.store.hosts();
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "host add " + name + " docker=" + docker + " address=" + address + " labels="
                    + Strings.show(labels) + " capacity=" + capacity;
        }
    }

    /** {@code envctl host remove}. */
    record RemoveHost(String name) implements Op {
        public String run(Sut s) {
            try {
                return "host removed " + s.store.removeHost(name) + " hosts=" + s.store.hosts();
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return "host remove " + name;
        }
    }

    /**
     * {@code name}, or when it is null the {@code index}-th (modulo) of the records the system holds by name, so that
     * updates and deletes mostly meet a record; every system holds the same ones, as each step checks.
     */
    private static String target(Sut s, String name, int index) {
        if (name != null) {
            return name;
        }
        List<Environment> held = s.records();
        return held.isEmpty() ? "a" : held.get(index % held.size()).name();
    }

    /** What an {@link Update} changes in the record it read. */
    enum Change { DESIRED, ACTUAL, LABELS, OPTIONS, PORT, SUBNET, NODE_PORT, HOST }

    /**
     * {@code EnvironmentStore.update} of the record as the system holds it (a made-up version-1 record when it holds
     * none), with one {@link Change} and the version read plus {@code versionDelta} as the expected one.
     */
    record Update(String name, int index, Change change, String text, Map<String, String> map, PortRole role,
                  Integer port, long versionDelta) implements Op {
        public String run(Sut s) {
            try {
                String name = target(s, this.name, index);
                Environment current = s.store.find(name).orElseGet(() -> new Environment(name, "k3d", null,
                        HostPorts.NONE, 30080, Map.of(), Map.of(), DesiredState.PRESENT, ActualState.UNKNOWN, null,
                        Instant.EPOCH, Instant.EPOCH, 1));
                Environment next = switch (change) {
                    case DESIRED -> current.withDesiredState(DesiredState.ofKey(text));
                    case ACTUAL -> current.withActualState(ActualState.FAILED, text);
                    case LABELS -> current.withLabels(map);
                    case OPTIONS -> current.withOptions(map);
                    case PORT -> current.withPorts(current.ports().with(role, port));
                    case SUBNET -> new Environment(current.name(), current.provider(),
                            text == null ? null : Cidr.parse(text), current.ports(), current.nodePort(),
                            current.labels(), current.options(), current.desiredState(), current.actualState(),
                            current.lastError(), current.createdAt(), current.updatedAt(), current.version(),
                            current.host());
                    case NODE_PORT -> current.withNodePort(port);
                    case HOST -> current.withHost(text);
                };
                return "updated " + record(s, s.store.update(next, current.version() + versionDelta));
            } catch (EnvctlException e) {
                return versionError(s, e);
            }
        }

        @Override
        public String toString() {
            return "update " + (name == null ? "held record #" + index : name) + " " + change + " " + (switch (change) {
                case LABELS, OPTIONS -> Strings.show(map);
                case PORT -> role + "=" + port;
                case NODE_PORT -> String.valueOf(port);
                default -> Strings.show(text);
            }) + " expecting version" + (versionDelta < 0 ? "" : "+") + versionDelta;
        }
    }

    /** {@code EnvironmentStore.delete} of a record only: without a version, or expecting the read one plus delta. */
    record DeleteRecord(String name, int index, Long versionDelta) implements Op {
        public String run(Sut s) {
            String name = target(s, this.name, index);
            try {
                if (versionDelta == null) {
                    return "record deleted " + s.store.delete(name);
                }
                long read = s.store.find(name).map(Environment::version).orElse(1L);
                s.store.delete(name, read + versionDelta);
                return "record deleted";
            } catch (EnvctlException e) {
                return versionError(s, e);
            }
        }

        @Override
        public String toString() {
            return "delete record " + (name == null ? "held record #" + index : name) + (versionDelta == null ? "" : " expecting version+" + versionDelta);
        }
    }

    /**
     * {@code EnvironmentStore.insert} (or only {@code checkInsert}) of a fully resolved record, as import does; the
     * record is built when the step runs, so an invalid one is refused the same way everywhere.
     */
    record Insert(String name, String provider, String subnet, Integer http, Integer https, Integer pf, Integer api,
                  int nodePort, Map<String, String> labels, String desired, ActualState actual, String lastError,
                  long version, String host, boolean checkOnly) implements Op {
        private static final Instant CREATED = Instant.parse("2026-11-26T08:00:00.123456Z");

        public String run(Sut s) {
            try {
                Environment e = new Environment(name, provider, subnet == null ? null : Cidr.parse(subnet),
                        new HostPorts(http, https, pf, api), nodePort, labels, Map.of(), DesiredState.ofKey(desired),
                        actual, lastError, CREATED, CREATED.plusSeconds(61), version, host);
                if (checkOnly) {
                    // as a dry run asks: the caller checks the name, host and invariants; checkInsert only what the
                    // store cannot hold (its default checks nothing)
                    if (s.store.find(name).isPresent()) {
                        return "check insert: name exists";
                    }
                    if (s.store.findHost(host).isEmpty()) {
                        return "check insert: host unknown";
                    }
                    Allocator.requireFree(e, HeldSnapshot.of(s.records(), host));
                    s.store.checkInsert(e);
                    return "insert checked";
                }
                return "inserted " + record(s, s.store.insert(e));
            } catch (EnvctlException e) {
                return error(s, e);
            }
        }

        @Override
        public String toString() {
            return (checkOnly ? "check insert " : "insert ") + name + "/" + provider + " subnet=" + subnet + " ports="
                    + http + "," + https + "," + pf + "," + api + " node=" + nodePort + " labels="
                    + Strings.show(labels) + " " + desired + "/" + actual.key() + " lastError="
                    + Strings.show(lastError) + " v" + version + " host=" + host;
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
