package dev.envctl.core.testing;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.provider.CreateFailure;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;
import dev.envctl.core.provider.OptionChanges;
import dev.envctl.core.provider.RecordedNodes;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.ProgressListener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider whose clusters live in a map (name to running), for engine tests: failures can be scripted per
 * call, a callback can block or crash inside create and delete, stop and start flip a cluster's running flag, and
 * it records every call, the most calls in flight at once,
 * and any moment two calls acted on one cluster at once. Thread-safe.
 */
public final class ScriptedClusterProvider implements ClusterProvider {
    private final String id;
    private final Map<String, Boolean> clusters = new ConcurrentHashMap<>();
    private final java.util.Set<String> unfinished = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Queue<String> createFailures = new ConcurrentLinkedQueue<>();
    private final Map<String, Map<PortRole, Integer>> madeElsewhere = new ConcurrentHashMap<>();
    private final Queue<String> deleteFailures = new ConcurrentLinkedQueue<>();
    private final Queue<String> listFailures = new ConcurrentLinkedQueue<>();
    private final Queue<String> stopFailures = new ConcurrentLinkedQueue<>();
    private final Queue<String> startFailures = new ConcurrentLinkedQueue<>();
    private final Queue<String> publishedFailures = new ConcurrentLinkedQueue<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> perName = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Consumer<Environment> duringCreate = e -> { };
    private volatile Consumer<Environment> duringDelete = e -> { };
    private volatile Consumer<Environment> duringStopOrStart = e -> { };
    private volatile Runnable duringList = () -> { };
    private volatile Runnable afterList = () -> { };
    private final Map<String, Map<PortRole, Integer>> published = new ConcurrentHashMap<>();
    private final Map<String, Map<PortRole, Integer>> madeWith = new ConcurrentHashMap<>();
    private volatile boolean checkHostPorts;
    private volatile String toolMissing;
    private final Map<String, int[]> nodesLeft = new ConcurrentHashMap<>();

    public ScriptedClusterProvider(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    /** Runs inside create, after the cluster exists (block on a latch, or throw an Error to crash). */
    public void duringCreate(Consumer<Environment> action) {
        this.duringCreate = action;
    }

    /** Runs inside delete, after the cluster is gone. */
    public void duringDelete(Consumer<Environment> action) {
        this.duringDelete = action;
    }

    /** Runs inside stop and start, after the cluster's running flag changed (block on a barrier, say). */
    public void duringStopOrStart(Consumer<Environment> action) {
        this.duringStopOrStart = action;
    }

    /** Runs once when the next list starts, before it answers or fails (a stop arriving while it runs). */
    public void duringNextList(Runnable action) {
        this.duringList = action;
    }

    /** Runs once after the next list has taken its snapshot (to change the world behind a listing). */
    public void afterNextList(Runnable action) {
        this.afterList = action;
    }

    /**
     * From now on a create fails as Docker does when it cannot publish one of the record's host ports on this
     * machine (a TCP socket cannot bind it on the wildcard address: another program listens on it); it binds
     * nothing itself.
     */
    public void checkHostPorts() {
        checkHostPorts = true;
    }

    /** The host ports the cluster {@code name} was last created with; empty when it never was. */
    public Map<PortRole, Integer> madeWith(String name) {
        return madeWith.getOrDefault(name, Map.of());
    }

    public void failNextCreate(String message) {
        createFailures.add(message);
    }

    /**
     * The next create of {@code name} finds a cluster of that name that another program made after the engine
     * listed (running, binding {@code ports}), and fails as a real provider's does on a name collision
     * ({@link CreateFailure#leftUntouched}), making nothing.
     */
    public void madeElsewhereBeforeNextCreate(String name, Map<PortRole, Integer> ports) {
        madeElsewhere.put(name, Map.copyOf(ports));
    }

    public void failNextDelete(String message) {
        deleteFailures.add(message);
    }

    public void failNextList(String message) {
        listFailures.add(message);
    }

    public void failNextStop(String message) {
        stopFailures.add(message);
    }

    public void failNextStart(String message) {
        startFailures.add(message);
    }

    /** The next {@link #publishedPorts} fails as when {@code docker inspect} does (the daemon did not answer). */
    public void failNextPublishedPorts(String message) {
        publishedFailures.add(message);
    }

    /** Forgets every scripted failure not yet used. */
    public void clearFailures() {
        createFailures.clear();
        deleteFailures.clear();
        listFailures.clear();
        stopFailures.clear();
        startFailures.clear();
        publishedFailures.clear();
    }

    /** Adds a cluster as if made outside envctl (or stopped, with {@code running} false). */
    public void putCluster(String name, boolean running) {
        clusters.put(name, running);
    }

    /**
     * Adds a running cluster whose create did not finish ({@link #createFinished} false until it is created
     * again), as kind's nodes run before its create has finished.
     */
    public void putUnfinishedCluster(String name) {
        clusters.put(name, true);
        unfinished.add(name);
    }

    @Override
    public boolean createFinished(Environment environment) {
        return !unfinished.contains(environment.name());
    }

    /**
     * The host ports cluster {@code name} binds from now on, running or stopped, as {@link #publishedPorts} reports
     * them (Docker keeps a stopped container's port bindings).
     */
    public void publish(String name, Map<PortRole, Integer> ports) {
        published.put(name, Map.copyOf(ports));
    }

    @Override
    public Map<PortRole, Integer> publishedPorts(String name) {
        String failure = publishedFailures.poll();
        if (failure != null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "docker inspect k3d-" + name + "-serverlb failed ("
                    + failure + ")");
        }
        return clusters.containsKey(name) ? published.getOrDefault(name, Map.of()) : Map.of();
    }

    /**
     * Removes node containers of cluster {@code name} behind envctl's back ({@code docker rm -f}), leaving
     * {@code servers} server and {@code agents} agent nodes, which it lists from then on (uncounted before); the
     * tool still lists the cluster, and a start or stop of it succeeds, as with k3d. A create makes it whole.
     */
    public void removeNodes(String name, int servers, int agents) {
        nodesLeft.put(name, new int[] {servers, agents});
    }

    /** Removes a cluster behind envctl's back. */
    public void removeCluster(String name) {
        clusters.remove(name);
    }

    public boolean has(String name) {
        return clusters.containsKey(name);
    }

    /** True when the cluster exists and runs. */
    public boolean running(String name) {
        return Boolean.TRUE.equals(clusters.get(name));
    }

    /** Calls so far, such as {@code create dev}, {@code delete dev}, {@code list}. */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public long count(String call) {
        return calls().stream().filter(call::equals).count();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Every moment two create/delete/stop/start calls acted on one cluster at once; empty when exclusion held. */
    public List<String> overlaps() {
        synchronized (overlaps) {
            return List.copyOf(overlaps);
        }
    }

    /** Refuses a request with the option {@code refused}, as k3d refuses an option it does not know. */
    @Override
    public void validate(EnvironmentSpec spec) {
        if (spec.options().containsKey("refused")) {
            throw EnvctlException.invalid("environment " + spec.name() + " has option(s) [refused] that " + id
                    + " does not know");
        }
    }

    /** Its option {@code timeout} changes in place, as k3d's and kind's do; any other option needs a new cluster. */
    @Override
    public OptionChange optionChange(String key, String from, String to) {
        return OptionChanges.of(key, from, to, o -> o, java.util.Set.of("timeout"));
    }

    @Override
    public void create(Environment environment, ProgressListener progress) {
        act("create", environment, () -> {
            String failure = createFailures.poll();
            if (failure != null) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, id + " cluster create failed: " + failure);
            }
            Map<PortRole, Integer> elsewhere = madeElsewhere.remove(environment.name());
            if (elsewhere != null) {
                clusters.put(environment.name(), true);
                published.put(environment.name(), elsewhere);
                CreateFailure f = new CreateFailure("could not create " + id + " cluster '" + environment.name()
                        + "'", new EnvctlException(ErrorCode.PROVIDER_FAILED, "Failed to create cluster '"
                        + environment.name() + "' because a cluster with that name already exists"));
                f.leftUntouched();
                throw f.toException();
            }
            if (checkHostPorts) {
                requirePublishable(environment);
            }
            if (clusters.putIfAbsent(environment.name(), true) != null) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "cluster " + environment.name()
                        + " already exists");
            }
            madeWith.put(environment.name(), environment.ports().asMap());
            nodesLeft.remove(environment.name());
            progress.output(environment.name(), "created " + environment.name(), false);
            duringCreate.accept(environment);
        });
    }

    private void requirePublishable(Environment environment) {
        for (Integer port : environment.ports().values()) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, id + " cluster create failed: Error response "
                        + "from daemon: driver failed programming external connectivity on endpoint " + id + "-"
                        + environment.name() + "-serverlb: Error starting userland proxy: listen tcp4 0.0.0.0:" + port
                        + ": bind: address already in use");
            }
        }
    }

    @Override
    public void delete(Environment environment, ProgressListener progress) {
        act("delete", environment, () -> {
            String failure = deleteFailures.poll();
            if (failure != null) {
                throw new EnvctlException(ErrorCode.PROVIDER_FAILED, id + " cluster delete failed: " + failure);
            }
            clusters.remove(environment.name());
            unfinished.remove(environment.name());
            nodesLeft.remove(environment.name());
            duringDelete.accept(environment);
        });
    }

    /** Stops an existing cluster (a stopped one stays stopped); a missing one fails, as the tools do. */
    @Override
    public void stop(Environment environment, ProgressListener progress) {
        act("stop", environment, () -> setRunning(environment, false, stopFailures.poll()));
    }

    /** Starts an existing cluster (a running one stays running); a missing one fails, as the tools do. */
    @Override
    public void start(Environment environment, ProgressListener progress) {
        act("start", environment, () -> setRunning(environment, true, startFailures.poll()));
    }

    private void setRunning(Environment environment, boolean running, String failure) {
        String verb = running ? "start" : "stop";
        if (failure != null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, id + " cluster " + verb + " failed: " + failure);
        }
        if (clusters.computeIfPresent(environment.name(), (n, was) -> running) == null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, id + " cluster " + verb + " failed: no cluster "
                    + environment.name());
        }
        duringStopOrStart.accept(environment);
    }

    private void act(String verb, Environment environment, Runnable body) {
        calls.add(verb + " " + environment.name());
        AtomicInteger mine = perName.computeIfAbsent(environment.name(), n -> new AtomicInteger());
        if (mine.incrementAndGet() > 1) {
            overlaps.add(verb + " " + environment.name());
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            body.run();
        } finally {
            inFlight.decrementAndGet();
            mine.decrementAndGet();
        }
    }

    @Override
    public List<ClusterStatus> list() {
        calls.add("list");
        Runnable during = duringList;
        duringList = () -> { };
        during.run();
        String failure = listFailures.poll();
        if (failure != null) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, id + " cluster list failed: " + failure);
        }
        List<ClusterStatus> out = new ArrayList<>();
        new TreeMap<>(clusters).forEach((name, running) -> {
            ClusterStatus c = new ClusterStatus(name, id, running, running ? "running" : "stopped");
            int[] left = nodesLeft.get(name);
            out.add(left == null ? c : c.withNodes(left[0], left[1]));
        });
        Runnable after = afterList;
        afterList = () -> { };
        after.run();
        return out;
    }

    /** What {@link RecordedNodes} finds missing, for a cluster {@link #removeNodes} left lacking nodes. */
    @Override
    public Optional<String> missingNodes(Environment environment, ClusterStatus listed) {
        return RecordedNodes.missing(environment, listed, "server", "agent");
    }

    @Override
    public String version() {
        return "scripted-1";
    }

    @Override
    public List<PrerequisiteCheck> checkPrerequisites() {
        return List.of(PrerequisiteCheck.pass(id, "scripted"));
    }

    /** From now on {@link #checkTool} fails saying {@code detail}, as a provider whose tool is not installed. */
    public void toolMissing(String detail) {
        toolMissing = detail;
    }

    @Override
    public List<PrerequisiteCheck> checkTool() {
        String missing = toolMissing;
        return missing == null ? List.of() : List.of(PrerequisiteCheck.fail(id, missing, null));
    }

    @Override
    public List<PlannedCommand> planCreate(Environment environment) {
        return List.of(PlannedCommand.of(List.of(id, "create", environment.name())));
    }

    @Override
    public List<PlannedCommand> planDelete(Environment environment) {
        return List.of(PlannedCommand.of(List.of(id, "delete", environment.name())));
    }
}
