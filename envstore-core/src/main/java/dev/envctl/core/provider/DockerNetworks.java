package dev.envctl.core.provider;

import dev.envctl.core.Cidr;
import dev.envctl.core.Durations;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ProgressListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The Docker networks a provider makes: a dedicated network with a fixed subnet per environment, and a shared
 * network created when missing. Every command is an argv array run through {@link ToolRunner}. Thread-safe.
 */
public final class DockerNetworks {
    /** Label put on the networks envctl makes, with the environment's name as its value. */
    public static final String LABEL = "dev.envctl.environment";

    /** Go template for {@code docker network inspect --format}: each IPAM block as "SUBNET GATEWAY", one a line. */
    public static final String SUBNETS_TEMPLATE = "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{println}}{{end}}";

    /** Go template for {@code docker network inspect --format}: "NAME SUBNET..." of each network, one a line. */
    public static final String NAME_SUBNETS_TEMPLATE = "{{.Name}}{{range .IPAM.Config}} {{.Subnet}}{{end}}";

    /** Go template for {@code docker network inspect --format}: each IPAM block as "NAME SUBNET GATEWAY". */
    public static final String NAME_BLOCKS_TEMPLATE =
            "{{range .IPAM.Config}}{{$.Name}} {{.Subnet}} {{.Gateway}}{{println}}{{end}}";

    /** Go template for {@code docker network ls --format}: "NAME ENVIRONMENT", the value of {@link #LABEL}. */
    public static final String NAME_LABEL_TEMPLATE = "{{.Name}} {{.Label \"" + LABEL + "\"}}";

    /** What Docker says of a name that several networks have ("2 matches found based on name: ..."). */
    private static final String AMBIGUOUS = "is ambiguous";

    /** One monitor per lock file of {@link #ensureShared}, for the creates of this process. */
    private static final Map<String, Object> SHARED_LOCKS = new ConcurrentHashMap<>();

    private static final Logger LOG = LoggerFactory.getLogger(DockerNetworks.class);

    /** What Docker says when a new network's subnet overlaps one an existing network has. */
    private static final String POOL_OVERLAPS = "Pool overlaps with other one on this address space";

    private final ToolRunner tools;
    private final Duration timeout;

    public DockerNetworks(ToolRunner tools, Duration timeout) {
        this.tools = tools;
        this.timeout = timeout;
    }

    /**
     * {@code docker network create --subnet CIDR --gateway FIRST-HOST --label dev.envctl.environment=NAME NET}.
     * The gateway is given because Docker 20.10 records none for a network made with {@code --subnet} alone, and
     * k3d then refuses the network ("no gateway defined"); the first host address is the one the Kindler scripts
     * chose too.
     */
    public static List<String> createArgv(String docker, String network, Cidr subnet, String environment) {
        List<String> argv = new ArrayList<>(List.of(docker, "network", "create"));
        if (subnet != null) {
            argv.addAll(List.of("--subnet", subnet.toString(), "--gateway", subnet.gateway()));
        }
        argv.addAll(List.of("--label", LABEL + "=" + environment, network));
        return argv;
    }

    /**
     * {@code docker network create NET}: the shared network, without envctl's label (it is no one environment's,
     * and no delete removes it). {@link #ensureShared} runs it when the network is missing.
     */
    public static List<String> createSharedArgv(String docker, String network) {
        return List.of(docker, "network", "create", network);
    }

    public static List<String> removeArgv(String docker, String network) {
        return List.of(docker, "network", "rm", network);
    }

    public static List<String> inspectArgv(String docker, String network) {
        return List.of(docker, "network", "inspect", network);
    }

    /** Prints the network's IPAM blocks one per line as {@code SUBNET GATEWAY} (a Go template, no JSON parser). */
    public static List<String> subnetsArgv(String docker, String network) {
        return List.of(docker, "network", "inspect", "--format", SUBNETS_TEMPLATE, network);
    }

    /** The names of the networks labelled as made by envctl for {@code environment}, whatever their name. */
    public static List<String> labelledArgv(String docker, String environment) {
        return List.of(docker, "network", "ls", "--filter", "label=" + LABEL + "=" + environment, "--format",
                "{{.Name}}");
    }

    /** The names of every network, one a line. */
    public static List<String> namesArgv(String docker) {
        return List.of(docker, "network", "ls", "--format", "{{.Name}}");
    }

    /** Prints each of {@code networks} as {@code NAME SUBNET...} ({@link #NAME_SUBNETS_TEMPLATE}), one a line. */
    public static List<String> namesAndSubnetsArgv(String docker, List<String> networks) {
        List<String> argv = new ArrayList<>(List.of(docker, "network", "inspect", "--format", NAME_SUBNETS_TEMPLATE));
        argv.addAll(networks);
        return argv;
    }

    /**
     * Creates {@code network} with {@code subnet} and its gateway for {@code environment}. A network of that
     * name left by an earlier attempt is reused when it has exactly that subnet and a gateway; one envctl made for
     * this environment without a gateway (by an older envctl) is made again; any other is an error. When Docker
     * refuses the subnet because it overlaps another network's, the error names the networks that overlap it.
     */
    public void createDedicated(Path docker, String network, Cidr subnet, String environment,
                                ProgressListener progress) {
        List<String> argv = createArgv(docker.toString(), network, subnet, environment);
        CommandResult created = tools.run(argv, Map.of(), null, timeout, environment, ProgressListener.NONE);
        if (created.succeeded()) {
            progress.step(environment, "created Docker network " + network + " with subnet " + subnet
                    + " and gateway " + subnet.gateway());
            return;
        }
        if (!alreadyExists(created)) {
            String overlap = String.join("\n", created.stderr()).contains(POOL_OVERLAPS)
                    ? overlapping(docker, subnet, environment).map(o -> "; " + o).orElse("") : "";
            throw failed(created, "could not create Docker network " + network + " with subnet " + subnet, overlap);
        }
        List<Block> blocks = blocks(docker, network, environment);
        if (reusable(blocks, subnet)) {
            progress.step(environment, "reusing Docker network " + network + " with subnet " + subnet);
            return;
        }
        if (exactly(blocks, subnet) && labelled(docker, network, environment)) {
            progress.step(environment, "Docker network " + network + " has no gateway; making it again");
            remove(docker, network, environment, progress);
            tools.runChecked(argv, Map.of(), null, timeout, environment, ProgressListener.NONE);
            return;
        }
        throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "Docker network " + network + " exists already with "
                + describe(blocks) + ", not subnet " + subnet + " with a gateway; remove it (docker network rm "
                + network + ") or give the environment another subnet");
    }

    /**
     * "SUBNET overlaps Docker network 'NAME' (ITS SUBNET)", naming each network with a subnet that overlaps
     * {@code subnet}; empty when there is none or Docker does not say. Never throws.
     */
    private Optional<String> overlapping(Path docker, Cidr subnet, String environment) {
        try {
            CommandResult listed = tools.run(namesArgv(docker.toString()), Map.of(), null, timeout, environment,
                    ProgressListener.NONE);
            List<String> names = listed.succeeded() ? lines(listed) : List.of();
            if (names.isEmpty()) {
                return Optional.empty();
            }
            // a network removed since the listing fails the inspect, which still prints the others
            CommandResult inspected = tools.run(namesAndSubnetsArgv(docker.toString(), names), Map.of(), null,
                    timeout, environment, ProgressListener.NONE);
            List<String> found = new ArrayList<>();
            for (String line : lines(inspected)) {
                String[] parts = line.split("\\s+");
                for (int i = 1; i < parts.length; i++) {
                    if (overlaps(parts[i], subnet)) {
                        found.add("Docker network '" + parts[0] + "' (" + parts[i] + ")");
                    }
                }
            }
            return found.isEmpty() ? Optional.empty() : Optional.of(subnet + " overlaps " + String.join(", ", found));
        } catch (RuntimeException e) {
            return Optional.empty(); // best effort: Docker's own message already says the subnet overlaps
        }
    }

    /** Whether {@code block} is an IPv4 CIDR that overlaps {@code subnet}; an IPv6 block never does. */
    private static boolean overlaps(String block, Cidr subnet) {
        try {
            return Cidr.parse(block).overlaps(subnet);
        } catch (EnvctlException notIpv4) {
            return false;
        }
    }

    /**
     * {@code failure} of starting the stopped cluster of {@code environment}, with who holds the host port it names
     * ({@link HeldPorts#startFailure}), and, for an environment with its own {@code subnet}, saying so when its
     * {@code network} is gone (removed while the cluster was stopped): Docker cannot start a container whose
     * network was removed, not even once one of the same name is made again, so only a new cluster helps. Never
     * throws.
     */
    public EnvctlException startFailure(Path docker, String network, Cidr subnet, String environment,
                                        EnvctlException startFailure) {
        EnvctlException failure = HeldPorts.startFailure(tools, docker, timeout, startFailure);
        if (subnet == null) {
            return failure;
        }
        CommandResult inspected;
        try {
            inspected = tools.run(inspectArgv(docker.toString(), network), Map.of(), null, timeout, environment,
                    ProgressListener.NONE);
        } catch (RuntimeException e) {
            return failure;
        }
        if (inspected.succeeded() || !notFound(inspected)) {
            return failure;
        }
        return new EnvctlException(failure.code(), failure.getMessage() + "; its Docker network " + network
                + " is gone (removed while the cluster was stopped), and Docker cannot start containers whose "
                + "network was removed: " + Environment.RECREATE_ADVICE, failure);
    }

    /**
     * Creates the shared {@code network} unless it exists, and leaves one network of that name where Docker has
     * several ({@link #removeDuplicates}). Docker 20.10 checks a new network's name apart from making it, so two
     * creates at once make two networks of one name, and then refuses the name as ambiguous (seen with two
     * creates of one apply): the creates of this process take turns, and so do those of other envctl processes on
     * this machine that use the same Docker daemon, through a lock file in the temporary folder. Where that file
     * cannot be opened or its lock is still held after the tools' timeout, or a tool that takes no lock (k3d run by
     * hand) made the network at the same moment, the next create that finds several networks of the name removes all
     * but one. The common case, a network that is there, takes no lock.
     */
    public void ensureShared(Path docker, String network, String environment, ProgressListener progress) {
        if (sharedReady(docker, network, environment, progress)) {
            return;
        }
        String daemon = tools.variable("DOCKER_HOST").orElse("") + "\n" + network;
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"),
                "envctl-docker-network-" + Integer.toHexString(daemon.hashCode()) + ".lock");
        // a file is locked once per process: its threads take turns on a monitor first
        synchronized (SHARED_LOCKS.computeIfAbsent(lockFile.toString(), k -> new Object())) {
            // the folder is shared: a link another user put at this name is not followed, but taken as no lock file
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS); FileLock lock = lockWithin(channel)) {
                if (lock == null) {
                    LOG.debug("lock file {} still held after {}; creating Docker network {} without it", lockFile,
                            Durations.text(timeout), network);
                }
                createShared(docker, network, environment, progress);
            } catch (IOException e) {
                LOG.debug("lock file {} not taken ({}); creating Docker network {} without it", lockFile,
                        e.toString(), network);
                createShared(docker, network, environment, progress);
            }
        }
    }

    /**
     * The lock of {@code channel}, waited for at most the tools' timeout: another user may hold the lock of a file in
     * the shared folder for ever (or an envctl hang holding it); null when it is still held then.
     */
    private FileLock lockWithin(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + Durations.nanos(timeout);
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null || System.nanoTime() - deadline >= 0) {
                return lock;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /**
     * Whether the shared {@code network} is there, one network of that name ({@link #removeDuplicates} run where
     * Docker has several); false where it is missing.
     */
    private boolean sharedReady(Path docker, String network, String environment, ProgressListener progress) {
        CommandResult inspected = tools.run(inspectArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, ProgressListener.NONE);
        if (inspected.succeeded()) {
            return true;
        }
        if (String.join("\n", inspected.stderr()).contains(AMBIGUOUS)) {
            removeDuplicates(docker, network, environment, progress);
            return true;
        }
        if (!notFound(inspected)) {
            throw failed(inspected, "could not inspect Docker network " + network);
        }
        return false;
    }

    private void createShared(Path docker, String network, String environment, ProgressListener progress) {
        if (sharedReady(docker, network, environment, progress)) {
            return; // made meanwhile by the process that held the lock before
        }
        progress.step(environment, "creating shared Docker network " + network);
        CommandResult created = tools.run(createSharedArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, progress);
        if (!created.succeeded() && !alreadyExists(created)) {
            throw failed(created, "could not create shared Docker network " + network);
        }
    }

    /**
     * Leaves one of the networks named {@code network}: the one with the most containers (equal counts: the
     * lowest id, so processes doing this at once keep the same one), and removes the others by id. Two with
     * containers cannot be made one: PROVIDER_FAILED naming them.
     */
    private void removeDuplicates(Path docker, String network, String environment, ProgressListener progress) {
        List<String> ids = tools.runChecked(List.of(docker.toString(), "network", "ls", "--no-trunc", "--filter",
                "name=" + network, "--format", "{{.ID}} {{.Name}}"), Map.of(), null, timeout, environment,
                ProgressListener.NONE).stdout().stream().map(l -> l.strip().split(" ", 2))
                .filter(f -> f.length == 2 && f[1].equals(network)).map(f -> f[0]).sorted().toList();
        if (ids.size() < 2) {
            return; // removed meanwhile by another process
        }
        List<String> argv = new ArrayList<>(List.of(docker.toString(), "network", "inspect", "--format",
                "{{.Id}} {{len .Containers}}"));
        argv.addAll(ids);
        // a network another process removed meanwhile is an error after the others were printed
        CommandResult inspected = tools.run(argv, Map.of(), null, timeout, environment, ProgressListener.NONE);
        if (!inspected.succeeded() && !notFound(inspected)) {
            throw failed(inspected, "could not inspect the Docker networks named " + network);
        }
        Map<String, Integer> containers = new TreeMap<>();
        for (String line : inspected.stdout()) {
            String[] f = line.strip().split(" ");
            if (f.length == 2) {
                containers.put(f[0], Integer.parseInt(f[1]));
            }
        }
        ids = ids.stream().filter(containers::containsKey).toList();
        if (ids.size() < 2) {
            return;
        }
        List<String> used = ids.stream().filter(id -> containers.get(id) > 0).toList();
        if (used.size() > 1) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "Docker has " + ids.size() + " networks named "
                    + network + ", and " + used.size() + " of them have containers (" + String.join(", ", used)
                    + "), so no tool can use the name; delete the clusters on all but one of them and remove "
                    + "those networks ('docker network rm ID'), or give the provider another network");
        }
        String kept = used.isEmpty() ? ids.get(0) : used.get(0);
        for (String id : ids) {
            if (!id.equals(kept)) {
                String shortId = id.substring(0, Math.min(12, id.length()));
                progress.step(environment, "removing Docker network " + network + " " + shortId
                        + ": a second network of that name, made by another create at the same time");
                CommandResult removed = tools.run(removeArgv(docker.toString(), id), Map.of(), null, timeout,
                        environment, progress);
                if (!removed.succeeded() && !notFound(removed)) {
                    throw failed(removed, "could not remove the second Docker network named " + network);
                }
            }
        }
    }

    /** Removes {@code network}; one that does not exist counts as removed. */
    public void remove(Path docker, String network, String environment, ProgressListener progress) {
        progress.step(environment, "removing Docker network " + network);
        CommandResult removed = tools.run(removeArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, progress);
        if (!removed.succeeded() && !notFound(removed)) {
            throw failed(removed, "could not remove Docker network " + network);
        }
    }

    /**
     * Removes the networks {@link #madeFor} finds. None is fine.
     */
    public void removeMadeFor(Path docker, String network, Cidr subnet, String environment,
                              ProgressListener progress) {
        for (String name : madeFor(docker, network, subnet, environment, progress)) {
            remove(docker, name, environment, progress);
        }
    }

    /**
     * The networks envctl made for {@code environment}, which its delete removes: every one carrying its label
     * (whatever its name), and {@code network} without that label when {@link #createDedicated} would reuse it
     * (exactly {@code subnet}, with a gateway, as the Kindler scripts made {@code k3d-NAME}). Any other
     * {@code network} is one a create refused, so it is someone else's: it is left out, and the progress says so.
     * Only asks Docker.
     */
    public List<String> madeFor(Path docker, String network, Cidr subnet, String environment,
                                ProgressListener progress) {
        CommandResult listed = tools.runChecked(labelledArgv(docker.toString(), environment), Map.of(), null,
                timeout, environment, ProgressListener.NONE);
        Set<String> names = new TreeSet<>(lines(listed));
        if (names.contains(network)) {
            return List.copyOf(names);
        }
        CommandResult inspected = tools.run(subnetsArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, ProgressListener.NONE);
        if (!inspected.succeeded() && !notFound(inspected)) {
            throw failed(inspected, "could not inspect Docker network " + network);
        }
        List<Block> blocks = inspected.succeeded() ? blocks(inspected) : List.of();
        if (reusable(blocks, subnet)) {
            names.add(network);
        } else if (inspected.succeeded()) {
            progress.step(environment, "leaving Docker network " + network + " alone: it has " + describe(blocks)
                    + ", not " + subnet + " with a gateway, and envctl did not make it for " + environment);
        }
        return List.copyOf(names);
    }

    /**
     * {@code docker network rm} of each network {@link #madeFor} finds, for a dry run of the deletes of
     * {@code environments}, by name, for those with a subnet, whose dedicated network {@code network} names:
     * Docker is asked for its networks once for them all, and once for the subnets of those that have an
     * environment's name without its label. When Docker is missing or does not answer, the plan removes the
     * dedicated network, as the delete would were it envctl's.
     */
    public Map<String, List<List<String>>> plannedRemovals(Optional<Path> docker, String display,
                                                           List<Environment> environments,
                                                           UnaryOperator<String> network) {
        List<Environment> dedicated = environments.stream().filter(e -> e.subnet() != null).toList();
        Map<String, List<String>> names = new HashMap<>();
        dedicated.forEach(e -> names.put(e.name(), List.of(network.apply(e.name()))));
        if (docker.isPresent() && !dedicated.isEmpty()) {
            try {
                names.putAll(madeFor(docker.get(), dedicated, network));
            } catch (EnvctlException e) {
                // Docker does not answer: each dedicated network, as above
            }
        }
        Map<String, List<List<String>>> removals = new HashMap<>();
        names.forEach((environment, made) -> removals.put(environment, made.stream()
                .map(name -> removeArgv(display, name)).toList()));
        return removals;
    }

    /**
     * {@link #madeFor} of each of {@code environments}, by name, from one listing of Docker's networks with their
     * label; a network named as an environment's that lacks its label is inspected, all of them at once, and where
     * that inspect fails, that environment's is its dedicated network alone.
     */
    private Map<String, List<String>> madeFor(Path docker, List<Environment> environments,
                                              UnaryOperator<String> network) {
        Map<String, String> labels = new HashMap<>();
        Map<String, Set<String>> labelled = new HashMap<>();
        for (String line : lines(tools.runChecked(List.of(docker.toString(), "network", "ls", "--format",
                NAME_LABEL_TEMPLATE), Map.of(), null, timeout, "", ProgressListener.NONE))) {
            String[] f = line.split("\\s+", 2);
            labels.put(f[0], f.length > 1 ? f[1] : "");
            labelled.computeIfAbsent(labels.get(f[0]), k -> new TreeSet<>()).add(f[0]);
        }
        Set<String> unlabelled = new TreeSet<>();
        for (Environment e : environments) {
            String name = network.apply(e.name());
            if (labels.containsKey(name) && !labels.get(name).equals(e.name())) {
                unlabelled.add(name);
            }
        }
        Map<String, List<Block>> blocks = new HashMap<>();
        boolean inspected = true;
        if (!unlabelled.isEmpty()) {
            List<String> argv = new ArrayList<>(List.of(docker.toString(), "network", "inspect", "--format",
                    NAME_BLOCKS_TEMPLATE));
            argv.addAll(unlabelled);
            // a network removed since the listing fails the inspect, which still prints the others
            CommandResult r = tools.run(argv, Map.of(), null, timeout, "", ProgressListener.NONE);
            inspected = r.succeeded() || notFound(r);
            for (String line : lines(r)) {
                String[] f = line.split("\\s+");
                blocks.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Block(f.length > 1 ? f[1] : "",
                        f.length > 2 ? f[2] : ""));
            }
        }
        Map<String, List<String>> made = new HashMap<>();
        for (Environment e : environments) {
            String name = network.apply(e.name());
            Set<String> names = new TreeSet<>(labelled.getOrDefault(e.name(), Set.of()));
            if (!inspected && unlabelled.contains(name)) {
                made.put(e.name(), List.of(name));
                continue;
            }
            if (reusable(blocks.getOrDefault(name, List.of()), e.subnet())) {
                names.add(name);
            }
            made.put(e.name(), List.copyOf(names));
        }
        return made;
    }

    private boolean labelled(Path docker, String network, String environment) {
        CommandResult listed = tools.run(labelledArgv(docker.toString(), environment), Map.of(), null, timeout,
                environment, ProgressListener.NONE);
        return listed.succeeded() && lines(listed).contains(network);
    }

    private List<Block> blocks(Path docker, String network, String environment) {
        return blocks(tools.runChecked(subnetsArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, ProgressListener.NONE));
    }

    /** Whether a network's IPAM {@code blocks} are {@code subnet} alone. */
    private static boolean exactly(List<Block> blocks, Cidr subnet) {
        return blocks.size() == 1 && blocks.get(0).subnet().equals(String.valueOf(subnet));
    }

    /**
     * Whether a network of these {@code blocks} serves an environment of {@code subnet} whoever made it: that
     * subnet alone, with a gateway (k3d refuses a network without one). Create reuses such a network and delete
     * removes it; one without a gateway is envctl's only when it carries envctl's label.
     */
    private static boolean reusable(List<Block> blocks, Cidr subnet) {
        return exactly(blocks, subnet) && !blocks.get(0).gateway().isEmpty();
    }

    private static String describe(List<Block> blocks) {
        return blocks.isEmpty() ? "no subnet" : String.join(", ", blocks.stream().map(Block::toString).toList());
    }

    private static List<Block> blocks(CommandResult inspected) {
        List<Block> blocks = new ArrayList<>();
        for (String line : inspected.stdout()) {
            String[] parts = line.strip().split("\\s+");
            if (!parts[0].isEmpty()) {
                blocks.add(new Block(parts[0], parts.length > 1 ? parts[1] : ""));
            }
        }
        return blocks;
    }

    /** One IPAM block of a network as {@link #SUBNETS_TEMPLATE} prints it; an empty gateway means none. */
    private record Block(String subnet, String gateway) {
        @Override
        public String toString() {
            return "subnet " + subnet + (gateway.isEmpty() ? " (no gateway)" : " gateway " + gateway);
        }
    }

    private static List<String> lines(CommandResult r) {
        return r.stdout().stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static boolean notFound(CommandResult r) {
        String err = String.join("\n", r.stderr()).toLowerCase(Locale.ROOT);
        return err.contains("not found") || err.contains("no such network");
    }

    private static boolean alreadyExists(CommandResult r) {
        return String.join("\n", r.stderr()).toLowerCase(Locale.ROOT).contains("already exists");
    }

    private static EnvctlException failed(CommandResult r, String what) {
        return failed(r, what, "");
    }

    /** "WHAT (exit code N): STDERR-TAIL" and {@code cause} after it (empty, or starting "; "). */
    private static EnvctlException failed(CommandResult r, String what, String cause) {
        String tail = r.stderrTail(5);
        return new CommandFailedException(ErrorCode.PROVIDER_FAILED, what + " (exit code " + r.exitCode() + ")"
                + (tail.isEmpty() ? "" : ": " + tail) + cause, r.argv(), r.exitCode(), tail, false, null);
    }
}
