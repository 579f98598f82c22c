package dev.envctl.provider.k3d;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandRunner;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.core.provider.CreateFailure;
import dev.envctl.core.provider.DockerNetworks;
import dev.envctl.core.provider.HeldPorts;
import dev.envctl.core.provider.OptionChanges;
import dev.envctl.core.provider.PublishedPorts;
import dev.envctl.core.provider.RecordedNodes;
import dev.envctl.provider.k3d.internal.K3dClusterList;
import dev.envctl.provider.k3d.internal.K3dClusterOptions;
import dev.envctl.provider.k3d.internal.K3dCommands;
import dev.envctl.provider.k3d.internal.K3dSettings;
import dev.envctl.provider.k3d.internal.K3dVersion;
import dev.envctl.core.provider.ToolChecks;
import dev.envctl.core.provider.ToolRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes k3d clusters: {@code k3d cluster create NAME --api-port 127.0.0.1:API -p 0.0.0.0:HTTP:80@loadbalancer
 * -p 0.0.0.0:HTTPS:443@loadbalancer --network NET ...} with {@code LOG_COLORS=false} (addresses from the settings
 * {@code api-listen-address} and {@code listen-address}). An environment with a subnet gets a Docker network of
 * its own ({@code k3d-NAME}, made by envctl with that subnet and its gateway, removed on delete); one without
 * joins the shared network (setting {@code network}, default {@code k3d-shared}), created if missing. A create
 * that fails after it started removes the half-made cluster, k3d's image volume and the network it made, unless
 * the cluster existed before (a name collision); one that finished leaves a mark in the first server node
 * ({@link #createFinished}). Stop and start are k3d's own. Obtain it from {@link K3dProviderFactory}. Thread-safe; holds no state
 * besides its settings.
 */
public final class K3dProvider implements ClusterProvider {
    /** The provider id, and the {@code provider} of the environments it makes. */
    public static final String ID = "k3d";

    private static final Logger LOG = LoggerFactory.getLogger(K3dProvider.class);
    private static final String INSTALL = "https://k3d.io/stable/#installation";
    private static final String NAME_TAKEN = "because a cluster with that name already exists";
    /**
     * How old k3d's tools node, all there is of a cluster k3d refuses to create again, must be to be taken as what a
     * create killed early left, not another program's create in flight ({@link #leftovers}).
     */
    static final Duration LEFTOVERS_AGE = Duration.ofSeconds(60);
    private static final Duration LEFTOVERS_POLL = Duration.ofSeconds(1);
    /** How long a refused name's tools node must stay missing before what is left is taken for a killed create's. */
    static final Duration LEFTOVERS_GONE = Duration.ofSeconds(3);

    private final K3dSettings settings;
    private final ToolRunner tools;
    private final DockerNetworks networks;

    K3dProvider(K3dSettings settings, Map<String, String> environment) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tools = new ToolRunner(environment);
        this.networks = new DockerNetworks(tools, settings.timeout());
    }

    /**
     * The variables every k3d command gets: {@code LOG_COLORS=false}, and, when {@code KUBECONFIG} lists several files,
     * the one kubectl and kind would write ({@link #kubeconfigForMerge}), where k3d would write none.
     */
    private Map<String, String> k3dEnv() {
        return tools.variable("KUBECONFIG").flatMap(K3dProvider::kubeconfigForMerge)
                .map(file -> Map.of("LOG_COLORS", "false", "KUBECONFIG", file))
                .orElse(Map.of("LOG_COLORS", "false"));
    }

    /**
     * The one kubeconfig file k3d is to write when {@code kubeconfig}, the value of {@code KUBECONFIG}, lists several:
     * k3d then writes none (it only warns, and exits 0), where kubectl and kind write the first of them that exists,
     * else the last (empty entries and repeats left out). Empty when it lists at most one, which k3d takes as is.
     */
    private static Optional<String> kubeconfigForMerge(String kubeconfig) {
        List<String> files = Stream.of(kubeconfig.split(java.io.File.pathSeparator, -1))
                .filter(f -> !f.isEmpty()).distinct().toList();
        if (files.size() < 2) {
            return Optional.empty();
        }
        return Optional.of(files.stream().filter(f -> Files.isRegularFile(Path.of(f))).findFirst()
                .orElse(files.get(files.size() - 1)));
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void create(Environment env, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        K3dClusterOptions options = K3dClusterOptions.of(settings, env);
        String network = network(env);
        Path k3d = k3d();
        Path docker = docker();
        List<String> argv = create(k3d.toString(), env, network, options);
        p.step(env.name(), "creating k3d cluster " + env.name());
        if (env.subnet() != null) {
            networks.createDedicated(docker, network, env.subnet(), env.name(), p);
        } else {
            networks.ensureShared(docker, network, env.name(), p);
        }
        try {
            runCreate(env, k3d, docker, argv, options, p);
        } catch (EnvctlException e) {
            throw cleanUp(env, k3d, docker, network, e, p);
        }
        // k3d's nodes and load balancer run before its create has finished (the CoreDNS records and the kubeconfig
        // come last): the mark tells a finished create from one stopped half-way
        K3dCommands.CREATED_MARK.leave(tools, docker, K3dCommands.firstServer(env.name()), settings.timeout(),
                env.name(), ID);
        LOG.debug("created k3d cluster {}", env.name());
    }

    /**
     * Whether the first server node has the mark {@link #create} leaves once k3d's create returned; false for a
     * cluster k3d made without envctl, and for one whose nodes are stopped (the engine asks only about clusters
     * that run).
     */
    @Override
    public boolean createFinished(Environment env) {
        return K3dCommands.CREATED_MARK.foundIn(tools, docker(), K3dCommands.firstServer(env.name()),
                settings.timeout(), env.name());
    }

    /**
     * {@code k3d cluster create}; when k3d refuses the name although it lists no such cluster, what a create killed
     * early left (its tools node and image volume, no server: {@link #leftovers}), that is removed and the create
     * run once more.
     */
    private void runCreate(Environment env, Path k3d, Path docker, List<String> argv, K3dClusterOptions options,
                           ProgressListener p) {
        try {
            tools.runChecked(argv, k3dEnv(), null, K3dSettings.createKillTimeout(options.timeout()), env.name(), p);
        } catch (EnvctlException e) {
            if (!String.valueOf(e.getMessage()).contains(NAME_TAKEN) || !leftovers(docker, env.name(), p)) {
                throw e;
            }
            p.step(env.name(), "removing what an interrupted create of k3d cluster " + env.name() + " left");
            deleteCluster(k3d, docker, env.name(), p);
            tools.runChecked(argv, k3dEnv(), null, K3dSettings.createKillTimeout(options.timeout()), env.name(), p);
        }
    }

    /**
     * Whether what makes k3d refuse {@code name} is what a create killed early left: k3d lists no such cluster, and
     * its tools node is at least {@link #LEFTOVERS_AGE} old by the daemon's clock, or missing at every look for
     * {@link #LEFTOVERS_GONE}. A younger one may be another program's create in flight (the Kindler scripts', a k3d
     * run by hand), whose tools node comes before its server node (longer while k3d pulls the node image), and k3d
     * lists no cluster before it has a server: that node is watched until it is that old. One gone for a moment may
     * be made again by that program's next create (a delete and create again), whose new tools node is then watched.
     * Listed meanwhile, the name is taken and nothing is removed; false too when envctl is stopping.
     */
    private boolean leftovers(Path docker, String name, ProgressListener p) {
        if (listed(name)) {
            return false; // the usual refusal: the name is taken by a whole cluster
        }
        boolean said = false;
        long goneSince = 0;
        while (!CommandRunner.stopping()) {
            Optional<Duration> age = toolsNodeAge(docker, name); // before the listing: a create that finished since
            if (listed(name)) {                                  // removed its tools node, and is listed
                return false;
            }
            if (age.isPresent() && age.get().compareTo(LEFTOVERS_AGE) >= 0) {
                return true;
            }
            if (age.isEmpty()) {
                goneSince = goneSince == 0 ? System.nanoTime() : goneSince;
                if (System.nanoTime() - goneSince >= LEFTOVERS_GONE.toNanos()) {
                    return true;
                }
            } else {
                goneSince = 0;
                if (!said) {
                    said = true;
                    p.step(name, "k3d refuses the name " + name + " but lists no such cluster: all there is of it is "
                            + "its tools node, made " + age.get().toSeconds() + " s ago; waiting until that is "
                            + LEFTOVERS_AGE.toSeconds() + " s old, in case another program is creating the cluster");
                }
            }
            try {
                Thread.sleep(LEFTOVERS_POLL.toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** How long ago k3d's tools node of cluster {@code name} was made, by the daemon's clock; empty when unknown. */
    private Optional<Duration> toolsNodeAge(Path docker, String name) {
        try {
            CommandResult made = tools.run(K3dCommands.createdAt(docker.toString(), K3dCommands.toolsNode(name)),
                    Map.of(), null, settings.timeout(), name, ProgressListener.NONE);
            CommandResult now = tools.run(K3dCommands.daemonTime(docker.toString()), Map.of(), null,
                    settings.timeout(), name, ProgressListener.NONE);
            if (!made.succeeded() || !now.succeeded()) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(OffsetDateTime.parse(made.stdoutText().strip()).toInstant(),
                    OffsetDateTime.parse(now.stdoutText().strip()).toInstant()));
        } catch (RuntimeException e) {
            LOG.debug("{}: no age of its tools node: {}", name, e.toString());
            return Optional.empty();
        }
    }

    private EnvctlException cleanUp(Environment env, Path k3d, Path docker, String network, EnvctlException failure,
                                    ProgressListener p) {
        CreateFailure f = new CreateFailure("could not create k3d cluster '" + env.name() + "'", failure);
        String message = String.valueOf(failure.getMessage());
        tools.find(settings.dockerBinary()).flatMap(d -> HeldPorts.explain(tools, d, settings.timeout(), message))
                .ifPresent(f::cause);
        if (env.subnet() == null && message.contains("no gateway defined for network " + network)) {
            // made by hand with --subnet alone (Docker 20.10 then gives it no gateway); envctl never removes it
            f.cause("the shared Docker network " + network + " has no gateway, which k3d needs: once no container "
                    + "uses it, remove it (docker network rm " + network + ") and the next create makes it with one, "
                    + "or make it again yourself with --gateway");
        }
        // k3d refuses an existing name before it makes anything: that cluster and its network stay as they were
        if (message.contains(NAME_TAKEN)) {
            f.leftUntouched();
            return f.toException();
        }
        if (f.stopped()) {
            return f.toException(); // a progress line saying envctl removes what it made would be untrue
        }
        p.step(env.name(), "create failed; removing what it made");
        f.attempt(() -> tools.runChecked(K3dCommands.delete(k3d.toString(), env.name()), k3dEnv(), null,
                settings.timeout(), env.name(), p), "k3d cluster delete " + env.name());
        String volume = K3dCommands.imageVolume(env.name());
        f.attempt(() -> removeVolume(docker, env.name(), p), "docker volume rm " + volume);
        if (env.subnet() != null) {
            f.attempt(() -> networks.remove(docker, network, env.name(), p), "docker network rm " + network);
        }
        return f.toException();
    }

    @Override
    public void delete(Environment env, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        Path k3d = k3d();
        Path docker = docker();
        p.step(env.name(), "deleting k3d cluster " + env.name());
        deleteCluster(k3d, docker, env.name(), p);
        if (env.subnet() != null) {
            networks.removeMadeFor(docker, K3dCommands.dedicatedNetwork(env.name()), env.subnet(), env.name(), p);
        }
        LOG.debug("deleted k3d cluster {}", env.name());
    }

    /** {@code k3d cluster stop NAME}: containers, volumes, network and published ports stay. */
    @Override
    public void stop(Environment env, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        p.step(env.name(), "stopping k3d cluster " + env.name());
        tools.runChecked(K3dCommands.stop(k3d().toString(), env.name()), k3dEnv(), null, settings.timeout(),
                env.name(), p);
    }

    /**
     * {@code k3d cluster start NAME --wait --timeout T}. A failed start can leave k3d's tools node
     * ({@code k3d-NAME-tools}, created and never started: seen with k3d v5.7.4 when the cluster's network is gone),
     * which is then removed if it carries k3d's label for this cluster and is not running.
     */
    @Override
    public void start(Environment env, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        Duration timeout = K3dClusterOptions.of(settings, env).timeout();
        p.step(env.name(), "starting k3d cluster " + env.name());
        try {
            tools.runChecked(K3dCommands.start(k3d().toString(), env.name(), timeout), k3dEnv(), null,
                    K3dSettings.createKillTimeout(timeout), env.name(), p);
        } catch (EnvctlException e) {
            Optional<Path> docker = tools.find(settings.dockerBinary());
            if (!(e instanceof CommandFailedException c && c.stopped())) {
                docker.ifPresent(d -> removeToolsNode(d, env.name(), p));
            }
            throw docker.map(d -> networks.startFailure(d, K3dCommands.dedicatedNetwork(env.name()), env.subnet(),
                    env.name(), e)).orElse(e);
        }
    }

    /**
     * Removes {@code k3d-NAME-tools} when it belongs to cluster {@code name} ({@code docker rm} without force, so
     * one another k3d command runs stays). Best effort: the start's failure is what the caller hears of.
     */
    private void removeToolsNode(Path docker, String name, ProgressListener p) {
        String node = K3dCommands.toolsNode(name);
        try {
            CommandResult owner = tools.run(K3dCommands.clusterOf(docker.toString(), node), Map.of(), null,
                    settings.timeout(), name, ProgressListener.NONE);
            if (!owner.succeeded() || !owner.stdoutText().strip().equals(name)) {
                return;
            }
            p.step(name, "removing " + node + ", the tools node the failed start left");
            tools.run(K3dCommands.removeContainer(docker.toString(), node), Map.of(), null, settings.timeout(), name,
                    ProgressListener.NONE);
        } catch (RuntimeException e) {
            LOG.debug("{}: could not remove {}: {}", name, node, e.getMessage());
        }
    }

    /** {@code k3d cluster delete NAME}, then the image volume k3d can leave behind. */
    private void deleteCluster(Path k3d, Path docker, String name, ProgressListener p) {
        tools.runChecked(K3dCommands.delete(k3d.toString(), name), k3dEnv(), null, settings.timeout(), name, p);
        removeVolume(docker, name, p);
    }

    /** The image volume k3d's own rollback can leave behind; none is fine. */
    private void removeVolume(Path docker, String name, ProgressListener p) {
        tools.runChecked(K3dCommands.removeVolume(docker.toString(), K3dCommands.imageVolume(name)), Map.of(), null,
                settings.timeout(), name, p);
    }

    @Override
    public List<ClusterStatus> list() {
        // the JSON holds each node's environment, the cluster join token among it: never log it
        CommandResult r = tools.runCheckedUnlogged(K3dCommands.list(k3d().toString()), k3dEnv(), settings.timeout());
        List<String> json = r.stdout().stream().filter(line -> !isLogLine(line)).toList();
        return K3dClusterList.parse(ID, String.join("\n", json));
    }

    /**
     * The server and agent nodes the record's options ask for (1 and 0 without them) that k3d does not count in
     * {@code listed}, and the load balancer a server names that k3d does not list: k3d still lists a cluster whose
     * node containers were removed, and starts what is left (without its load balancer, nothing publishes the
     * http, https and API ports).
     */
    @Override
    public Optional<String> missingNodes(Environment environment, ClusterStatus listed) {
        Optional<String> nodes = RecordedNodes.missing(environment, listed, "server", "agent");
        if (listed.lacking() == null) {
            return nodes;
        }
        String lb = "k3d lists the cluster without " + listed.lacking();
        return Optional.of(nodes.map(n -> n + "; " + lb).orElse(lb));
    }

    /**
     * What the load balancer ({@code k3d-NAME-serverlb}: http, https and the API) and, for a cluster made without
     * one, the first server publish.
     */
    @Override
    public Map<PortRole, Integer> publishedPorts(String name) {
        return tools.find(settings.dockerBinary()).map(d -> PublishedPorts.of(tools, d, settings.timeout(),
                List.of("k3d-" + name + "-serverlb", "k3d-" + name + "-server-0"))).orElse(Map.of());
    }

    /** Whether k3d lists a cluster {@code name}; true when it cannot list, which keeps a refusal as it is. */
    private boolean listed(String name) {
        try {
            return list().stream().anyMatch(c -> c.name().equals(name));
        } catch (EnvctlException e) {
            return true;
        }
    }

    /** k3d writes INFO logs to stdout; they are not part of the JSON. */
    private static boolean isLogLine(String line) {
        return line.startsWith("time=\"") || line.matches("^(INFO|WARN|ERRO|DEBU|TRAC)\\[\\d+].*");
    }

    @Override
    public String version() {
        String k3d = k3d().toString();
        CommandResult json = tools.run(K3dCommands.versionJson(k3d), k3dEnv(), null, settings.timeout(), "",
                ProgressListener.NONE);
        Optional<String> v = json.succeeded() ? K3dVersion.fromJson(json.stdoutText()) : Optional.empty();
        if (v.isPresent()) {
            return v.get();
        }
        CommandResult text = tools.runChecked(K3dCommands.version(k3d), k3dEnv(), null, settings.timeout(), "",
                ProgressListener.NONE);
        return K3dVersion.fromText(text.stdoutText()).orElseThrow(() -> new EnvctlException(
                ErrorCode.PROVIDER_FAILED, "could not read the version from 'k3d version', which printed: "
                + text.stdoutText().replace('\n', ' ') + "; check that " + k3d + " is k3d"));
    }

    @Override
    public List<PrerequisiteCheck> checkPrerequisites() {
        return List.of(ToolChecks.tool(tools, ID, K3dSettings.BINARY, settings.binary(), INSTALL, this::version),
                ToolChecks.docker(tools, ID, K3dSettings.DOCKER_BINARY, settings.dockerBinary(), settings.timeout()));
    }

    /** The tool found (its version left to doctor) and Docker answering. */
    @Override
    public List<PrerequisiteCheck> checkReady() {
        return List.of(ToolChecks.found(tools, ID, K3dSettings.BINARY, settings.binary(), INSTALL),
                ToolChecks.docker(tools, ID, K3dSettings.DOCKER_BINARY, settings.dockerBinary(), settings.timeout()));
    }

    /**
     * The network create, the cluster create and the mark. Without a subnet the network create is the shared
     * network's, listed whether or not that network exists: a plan does not ask Docker, and the create runs it only
     * when the network is missing.
     */
    @Override
    public List<PlannedCommand> planCreate(Environment env) {
        K3dClusterOptions options = K3dClusterOptions.of(settings, env);
        List<PlannedCommand> plan = new ArrayList<>();
        String docker = tools.display(settings.dockerBinary());
        plan.add(PlannedCommand.of(env.subnet() != null
                ? DockerNetworks.createArgv(docker, network(env), env.subnet(), env.name())
                : DockerNetworks.createSharedArgv(docker, network(env))));
        plan.add(new PlannedCommand(create(tools.display(settings.binary()), env, network(env), options), k3dEnv(),
                null));
        plan.add(PlannedCommand.of(K3dCommands.CREATED_MARK.writeArgv(docker, K3dCommands.firstServer(env.name()))));
        return List.copyOf(plan);
    }

    /**
     * The delete's commands; with a subnet, Docker is asked which networks envctl made for the environment, so a
     * network of its name that a create refused is not in the plan, as the delete leaves it.
     */
    @Override
    public List<PlannedCommand> planDelete(Environment env) {
        return planDeletes(List.of(env)).get(env.name());
    }

    /** As {@link #planDelete}, Docker asked for its networks once for them all. */
    @Override
    public Map<String, List<PlannedCommand>> planDeletes(List<Environment> environments) {
        Map<String, List<List<String>>> removals = networks.plannedRemovals(tools.find(settings.dockerBinary()),
                tools.display(settings.dockerBinary()), environments, K3dCommands::dedicatedNetwork);
        Map<String, List<PlannedCommand>> plans = new HashMap<>();
        for (Environment env : environments) {
            List<PlannedCommand> plan = new ArrayList<>();
            plan.add(new PlannedCommand(K3dCommands.delete(tools.display(settings.binary()), env.name()), k3dEnv(),
                    null));
            plan.add(PlannedCommand.of(K3dCommands.removeVolume(tools.display(settings.dockerBinary()),
                    K3dCommands.imageVolume(env.name()))));
            removals.getOrDefault(env.name(), List.of()).forEach(argv -> plan.add(PlannedCommand.of(argv)));
            plans.put(env.name(), List.copyOf(plan));
        }
        return plans;
    }

    /** The request's options: a key this provider does not know, or a bad value, is invalid input. */
    @Override
    public void validate(EnvironmentSpec spec) {
        K3dClusterOptions.of(settings, spec.name(), spec.options());
    }

    /**
     * The same value read two ways ({@code 01} and {@code 1}, {@code 300s} and {@code 5m}) is no change; {@code wait}
     * and {@code timeout} only change how envctl runs k3d, so apply writes them in place; the others shape the
     * cluster.
     */
    @Override
    public OptionChange optionChange(String key, String from, String to) {
        return OptionChanges.of(key, from, to, o -> K3dClusterOptions.of(settings, "", o),
                Set.of(K3dSettings.WAIT, K3dSettings.TIMEOUT));
    }

    private List<String> create(String k3d, Environment env, String network, K3dClusterOptions options) {
        return K3dCommands.create(k3d, env, network, settings.listenAddress(), settings.apiListenAddress(), options);
    }

    private String network(Environment env) {
        return env.subnet() != null ? K3dCommands.dedicatedNetwork(env.name()) : settings.network();
    }

    private Path k3d() {
        return tools.require(ID, K3dSettings.BINARY, settings.binary(), INSTALL);
    }

    private Path docker() {
        return tools.require(ID, K3dSettings.DOCKER_BINARY, settings.dockerBinary(), ToolChecks.DOCKER_INSTALL);
    }
}
