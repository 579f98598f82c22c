package dev.envctl.core.provider;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Docker networks a provider makes: a dedicated network with a fixed subnet per environment, and a shared
 * network created when missing. Every command is an argv array run through {@link ToolRunner}. Thread-safe.
 */
public final class DockerNetworks {
    /** Label put on the networks envctl makes, with the environment's name as its value. */
    public static final String LABEL = "dev.envctl.environment";

    /** Go template for {@code docker network inspect --format}: each IPAM subnet on its own line. */
    public static final String SUBNETS_TEMPLATE = "{{range .IPAM.Config}}{{println .Subnet}}{{end}}";

    private final ToolRunner tools;
    private final Duration timeout;

    public DockerNetworks(ToolRunner tools, Duration timeout) {
        this.tools = tools;
        this.timeout = timeout;
    }

    public static List<String> createArgv(String docker, String network, Cidr subnet, String environment) {
        List<String> argv = new ArrayList<>(List.of(docker, "network", "create"));
        if (subnet != null) {
            argv.addAll(List.of("--subnet", subnet.toString()));
        }
        argv.addAll(List.of("--label", LABEL + "=" + environment, network));
        return argv;
    }

    public static List<String> removeArgv(String docker, String network) {
        return List.of(docker, "network", "rm", network);
    }

    public static List<String> inspectArgv(String docker, String network) {
        return List.of(docker, "network", "inspect", network);
    }

    /** Prints the network's subnets one per line (a Go template, so no JSON parser is needed). */
    public static List<String> subnetsArgv(String docker, String network) {
        return List.of(docker, "network", "inspect", "--format", SUBNETS_TEMPLATE, network);
    }

    /**
     * Creates {@code network} with {@code subnet} for {@code environment}. A network of that name left by an
     * earlier attempt is reused when it has exactly that subnet; with another subnet it is an error.
     */
    public void createDedicated(Path docker, String network, Cidr subnet, String environment,
                                ProgressListener progress) {
        progress.step(environment, "creating Docker network " + network + " with subnet " + subnet);
        CommandResult created = tools.run(createArgv(docker.toString(), network, subnet, environment), Map.of(),
                null, timeout, environment, progress);
        if (created.succeeded()) {
            return;
        }
        if (!alreadyExists(created)) {
            throw failed(created, "could not create Docker network " + network + " with subnet " + subnet);
        }
        List<String> subnets = subnets(docker, network, environment, progress);
        if (!subnets.equals(List.of(subnet.toString()))) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "Docker network " + network + " exists already "
                    + "with subnet(s) " + subnets + ", not " + subnet + "; remove it (docker network rm " + network
                    + ") or give the environment another subnet");
        }
    }

    /** Creates the shared {@code network} unless it exists; another process creating it at once is fine. */
    public void ensureShared(Path docker, String network, String environment, ProgressListener progress) {
        CommandResult inspected = tools.run(inspectArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, ProgressListener.NONE);
        if (inspected.succeeded()) {
            return;
        }
        if (!notFound(inspected)) {
            throw failed(inspected, "could not inspect Docker network " + network);
        }
        progress.step(environment, "creating shared Docker network " + network);
        CommandResult created = tools.run(List.of(docker.toString(), "network", "create", network), Map.of(), null,
                timeout, environment, progress);
        if (!created.succeeded() && !alreadyExists(created)) {
            throw failed(created, "could not create shared Docker network " + network);
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

    private List<String> subnets(Path docker, String network, String environment, ProgressListener progress) {
        CommandResult inspected = tools.runChecked(subnetsArgv(docker.toString(), network), Map.of(), null, timeout,
                environment, progress);
        return inspected.stdout().stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static boolean notFound(CommandResult r) {
        String err = String.join("\n", r.stderr()).toLowerCase(Locale.ROOT);
        return err.contains("not found") || err.contains("no such network");
    }

    private static boolean alreadyExists(CommandResult r) {
        return String.join("\n", r.stderr()).toLowerCase(Locale.ROOT).contains("already exists");
    }

    private static EnvctlException failed(CommandResult r, String what) {
        String tail = r.stderrTail(5);
        return new CommandFailedException(ErrorCode.PROVIDER_FAILED, what + " (exit code " + r.exitCode() + ")"
                + (tail.isEmpty() ? "" : ": " + tail), r.argv(), r.exitCode(), tail, false, null);
    }
}
