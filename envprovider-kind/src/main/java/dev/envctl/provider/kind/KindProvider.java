package dev.envctl.provider.kind;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;
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
import dev.envctl.provider.kind.internal.KindClusterList;
import dev.envctl.provider.kind.internal.KindClusterOptions;
import dev.envctl.provider.kind.internal.KindCommands;
import dev.envctl.provider.kind.internal.KindConfig;
import dev.envctl.provider.kind.internal.KindSettings;
import dev.envctl.provider.kind.internal.KindVersion;
import dev.envctl.core.provider.ToolChecks;
import dev.envctl.core.provider.ToolRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Makes kind clusters: {@code kind create cluster --name NAME --config -} with the config of
 * {@link #renderConfig} on stdin. An environment with a subnet gets a Docker network of its own
 * ({@code kind-NAME-net}, made by envctl with that subnet, named to kind in {@code KIND_EXPERIMENTAL_DOCKER_NETWORK}
 * and removed on delete); one without uses kind's shared network {@code kind} (the variable is set empty, so a
 * value in the user's environment does not leak in). A create that fails after it started removes the half-made
 * cluster and the network it made, unless the cluster existed before (a name collision). kind has no stop
 * command: stop and start are {@code docker stop|start} of the node containers labelled
 * {@code io.x-k8s.kind.cluster=NAME}. Obtain it from
 * {@link KindProviderFactory}. Thread-safe; holds no state besides its settings.
 */
public final class KindProvider implements ClusterProvider {
    /** The provider id, and the {@code provider} of the environments it makes. */
    public static final String ID = "kind";

    private static final Logger LOG = LoggerFactory.getLogger(KindProvider.class);
    private static final String KUBECONFIG_LOCKED = "failed to lock config file";
    private static final int LOCK_ATTEMPTS = 6;
    private static final String INSTALL = "https://kind.sigs.k8s.io/docs/user/quick-start/#installation";

    private final KindSettings settings;
    private final ToolRunner tools;
    private final DockerNetworks networks;

    KindProvider(KindSettings settings, Map<String, String> environment) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tools = new ToolRunner(environment);
        this.networks = new DockerNetworks(tools, settings.timeout());
    }

    @Override
    public String id() {
        return ID;
    }

    /** The kind config {@link #create} passes on stdin, for {@code --dry-run}. */
    public String renderConfig(Environment env) {
        KindClusterOptions options = KindClusterOptions.of(settings, env);
        return KindConfig.render(env, settings.listenAddress(), settings.apiListenAddress(), options.image(), options.servers(), options.agents());
    }

    /** The variables {@link #create} sets for kind: {@code KIND_EXPERIMENTAL_DOCKER_NETWORK}, for {@code --dry-run}. */
    public Map<String, String> createEnvironment(Environment env) {
        return Map.of(KindCommands.NETWORK_VARIABLE,
                env.subnet() != null ? KindCommands.dedicatedNetwork(env.name()) : "");
    }

    @Override
    public void create(Environment env, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        KindClusterOptions options = KindClusterOptions.of(settings, env);
        String config = renderConfig(env);
        Path kind = kind();
        Path docker = docker();
        p.step(env.name(), "creating kind cluster " + env.name());
        if (env.subnet() != null) {
            networks.createDedicated(docker, KindCommands.dedicatedNetwork(env.name()), env.subnet(), env.name(), p);
        }
        try {
            tools.runChecked(KindCommands.create(kind.toString(), env.name()), createEnvironment(env), config,
                    options.timeout(), env.name(), p);
        } catch (EnvctlException e) {
            throw cleanUp(env, kind, env.subnet() != null ? docker : null, e, p);
        }
        // kind's nodes run before its create has finished: the mark tells a finished create from a stopped one
        KindCommands.CREATED_MARK.leave(tools, docker, KindCommands.firstControlPlane(env.name()), settings.timeout(),
                env.name(), ID);
        LOG.debug("created kind cluster {}", env.name());
    }

    /** Whether the first control-plane node has the mark {@link #create} leaves once kind's create returned. */
    @Override
    public boolean createFinished(Environment env) {
        return KindCommands.CREATED_MARK.foundIn(tools, docker(), KindCommands.firstControlPlane(env.name()),
                settings.timeout(), env.name());
    }

    private EnvctlException cleanUp(Environment env, Path kind, Path docker, EnvctlException failure,
                                    ProgressListener p) {
        CreateFailure f = new CreateFailure("could not create kind cluster '" + env.name() + "'", failure);
        String message = String.valueOf(failure.getMessage());
        tools.find(settings.dockerBinary()).flatMap(d -> HeldPorts.explain(tools, d, settings.timeout(), message))
                .ifPresent(f::cause);
        // kind refuses an existing name before it makes anything: that cluster and its network stay as they were
        if (message.contains("already exist for a cluster with the name")) {
            f.leftUntouched();
            return f.toException();
        }
        if (f.stopped()) {
            return f.toException(); // a progress line saying envctl removes what it made would be untrue
        }
        p.step(env.name(), "create failed; removing what it made");
        f.attempt(() -> deleteCluster(kind, env.name(), p), "kind delete cluster --name " + env.name());
        if (docker != null) {
            String network = KindCommands.dedicatedNetwork(env.name());
            f.attempt(() -> networks.remove(docker, network, env.name(), p), "docker network rm " + network);
        }
        return f.toException();
    }

    @Override
    public void delete(Environment env, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        Path kind = kind();
        Path docker = env.subnet() != null ? docker() : null;
        p.step(env.name(), "deleting kind cluster " + env.name());
        deleteCluster(kind, env.name(), p);
        if (docker != null) {
            networks.removeMadeFor(docker, KindCommands.dedicatedNetwork(env.name()), env.subnet(), env.name(), p);
        }
        LOG.debug("deleted kind cluster {}", env.name());
    }

    /**
     * {@code kind delete cluster --name NAME}, again after a short wait when it failed only because another kind
     * process held the kubeconfig's lock file (kind fails at once instead of waiting: seen with kind v0.24.0 when
     * parallel deletes share one KUBECONFIG). Deleting is idempotent; a retry also removes the kubeconfig entry.
     */
    private void deleteCluster(Path kind, String name, ProgressListener p) {
        for (int attempt = 1; ; attempt++) {
            try {
                tools.runChecked(KindCommands.delete(kind.toString(), name), Map.of(), null, settings.timeout(), name,
                        p);
                return;
            } catch (EnvctlException e) {
                if (attempt >= LOCK_ATTEMPTS || !String.valueOf(e.getMessage()).contains(KUBECONFIG_LOCKED)) {
                    throw e;
                }
                LOG.debug("{}: kubeconfig locked by another kind process; deleting again", name);
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** kind has no stop command: {@code docker stop} of the node containers labelled with the cluster's name. */
    @Override
    public void stop(Environment env, ProgressListener progress) {
        nodes(env, "stop", progress);
    }

    /** {@code docker start} of the node containers labelled with the cluster's name. */
    @Override
    public void start(Environment env, ProgressListener progress) {
        nodes(env, "start", progress);
    }

    private void nodes(Environment env, String verb, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        String docker = docker().toString();
        p.step(env.name(), (verb.equals("stop") ? "stopping" : "starting") + " kind cluster " + env.name());
        List<String> ids = tools.runChecked(KindCommands.nodeIds(docker, env.name()), Map.of(), null,
                settings.timeout(), env.name(), ProgressListener.NONE).stdout().stream().map(String::strip)
                .filter(id -> !id.isEmpty()).toList();
        if (ids.isEmpty()) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "no kind node containers found for cluster '"
                    + env.name() + "' (label " + KindCommands.CLUSTER_LABEL + "=" + env.name() + "); the cluster "
                    + "is gone: reconcile recreates it, or delete the environment");
        }
        try {
            tools.runChecked(KindCommands.containers(docker, verb, ids), Map.of(), null, settings.timeout(),
                    env.name(), p);
        } catch (EnvctlException e) {
            throw verb.equals("start") ? networks.startFailure(docker(), KindCommands.dedicatedNetwork(env.name()),
                    env.subnet(), env.name(), e) : e;
        }
    }

    /**
     * What the API load balancer of several control-plane nodes ({@code NAME-external-load-balancer}: the API) and
     * the first control-plane node ({@code NAME-control-plane}: http, https and, alone, the API) publish, the load
     * balancer asked first: with several control-plane nodes, kind (v0.24.0) publishes the configured API port on
     * the load balancer, and the API container port of each control-plane node on 127.0.0.1 at a port it picks.
     */
    @Override
    public Map<PortRole, Integer> publishedPorts(String name) {
        return tools.find(settings.dockerBinary()).map(d -> PublishedPorts.of(tools, d, settings.timeout(),
                List.of(name + "-external-load-balancer", name + "-control-plane"))).orElse(Map.of());
    }

    /**
     * The control-plane and worker nodes the record's {@code servers} and {@code agents} options ask for (1 and 0
     * without them) that {@code listed} lacks; kind lists a cluster while any of its node containers exists.
     */
    @Override
    public Optional<String> missingNodes(Environment environment, ClusterStatus listed) {
        return RecordedNodes.missing(environment, listed, "control-plane", "worker");
    }

    /** One {@code docker ps} of kind's node containers: what {@code kind get clusters} asks Docker, with states. */
    @Override
    public List<ClusterStatus> list() {
        CommandResult nodes = tools.runChecked(KindCommands.nodeStates(docker().toString()), Map.of(), null,
                settings.timeout(), "", ProgressListener.NONE);
        return KindClusterList.statuses(ID, nodes.stdout());
    }

    @Override
    public String version() {
        String kind = kind().toString();
        CommandResult r = tools.runChecked(KindCommands.version(kind), Map.of(), null, settings.timeout(), "",
                ProgressListener.NONE);
        return KindVersion.parse(r.stdoutText()).orElseThrow(() -> new EnvctlException(ErrorCode.PROVIDER_FAILED,
                "could not read the version from 'kind version', which printed: "
                        + r.stdoutText().replace('\n', ' ') + "; check that " + kind + " is kind"));
    }

    @Override
    public List<PrerequisiteCheck> checkPrerequisites() {
        return List.of(ToolChecks.tool(tools, ID, KindSettings.BINARY, settings.binary(), INSTALL, this::version),
                ToolChecks.docker(tools, ID, KindSettings.DOCKER_BINARY, settings.dockerBinary(), settings.timeout()));
    }

    /** The tool found (its version left to doctor) and Docker answering. */
    @Override
    public List<PrerequisiteCheck> checkReady() {
        return List.of(ToolChecks.found(tools, ID, KindSettings.BINARY, settings.binary(), INSTALL),
                ToolChecks.docker(tools, ID, KindSettings.DOCKER_BINARY, settings.dockerBinary(), settings.timeout()));
    }

    /** The kind binary found: the listing ({@code docker ps}) does not run it. */
    @Override
    public List<PrerequisiteCheck> checkTool() {
        return List.of(ToolChecks.found(tools, ID, KindSettings.BINARY, settings.binary(), INSTALL));
    }

    /**
     * The network create (with a subnet) and {@code kind create cluster --name NAME --config -}; the create runs
     * with {@link #createEnvironment} and reads {@link #renderConfig} on stdin.
     */
    @Override
    public List<PlannedCommand> planCreate(Environment env) {
        List<PlannedCommand> plan = new ArrayList<>();
        if (env.subnet() != null) {
            plan.add(PlannedCommand.of(DockerNetworks.createArgv(tools.display(settings.dockerBinary()),
                    KindCommands.dedicatedNetwork(env.name()), env.subnet(), env.name())));
        }
        plan.add(new PlannedCommand(KindCommands.create(tools.display(settings.binary()), env.name()),
                createEnvironment(env), renderConfig(env)));
        plan.add(PlannedCommand.of(KindCommands.CREATED_MARK.writeArgv(tools.display(settings.dockerBinary()),
                KindCommands.firstControlPlane(env.name()))));
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
                tools.display(settings.dockerBinary()), environments, KindCommands::dedicatedNetwork);
        Map<String, List<PlannedCommand>> plans = new HashMap<>();
        for (Environment env : environments) {
            List<PlannedCommand> plan = new ArrayList<>();
            plan.add(PlannedCommand.of(KindCommands.delete(tools.display(settings.binary()), env.name())));
            removals.getOrDefault(env.name(), List.of()).forEach(argv -> plan.add(PlannedCommand.of(argv)));
            plans.put(env.name(), List.copyOf(plan));
        }
        return plans;
    }

    /** The request's options: a key this provider does not know, or a bad value, is invalid input. */
    @Override
    public void validate(EnvironmentSpec spec) {
        KindClusterOptions.of(settings, spec.name(), spec.options());
    }

    /**
     * The same value read two ways ({@code 01} and {@code 1}, {@code 300s} and {@code 5m}) is no change;
     * {@code timeout} only changes how envctl runs kind, so apply writes it in place; the others shape the cluster.
     */
    @Override
    public OptionChange optionChange(String key, String from, String to) {
        return OptionChanges.of(key, from, to, o -> KindClusterOptions.of(settings, "", o),
                Set.of(KindSettings.TIMEOUT));
    }

    private Path kind() {
        return tools.require(ID, KindSettings.BINARY, settings.binary(), INSTALL);
    }

    private Path docker() {
        return tools.require(ID, KindSettings.DOCKER_BINARY, settings.dockerBinary(), ToolChecks.DOCKER_INSTALL);
    }
}
