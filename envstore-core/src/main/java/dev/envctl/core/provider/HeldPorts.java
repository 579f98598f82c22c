package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.exec.CommandFailedException;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says who holds a host port when a tool failed because Docker could not publish it: the container that
 * publishes it, or another program on this host. Docker words it "Bind for 0.0.0.0:P failed: port is already
 * allocated" (another container) or "listen tcp4 0.0.0.0:P: bind: address already in use" (a process; from Docker
 * 25 on, "failed to bind host port for 0.0.0.0:P:CONTAINER:PORT/tcp: address already in use").
 */
public final class HeldPorts {
    private static final Pattern TAKEN = Pattern.compile(
            "(?:Bind for [^ ]*:(\\d+) failed: port is already allocated|listen tcp[46]? [^ ]*:(\\d+): bind: "
                    + "address already in use|failed to bind host port for (?:\\[[^]]*]|[^ :\\[]*):(\\d+):[^ ]*: "
                    + "address already in use)");

    private static final String CREATE_ADVICE = "; choose another port, or leave it out to allocate a free one";

    private HeldPorts() {
    }

    /** The port a tool's error says was taken, if it says so. */
    public static Optional<Integer> takenPort(String toolMessage) {
        Matcher m = TAKEN.matcher(String.valueOf(toolMessage));
        if (!m.find()) {
            return Optional.empty();
        }
        for (int g = 1; ; g++) {
            if (m.group(g) != null) {
                return Optional.of(Integer.parseInt(m.group(g)));
            }
        }
    }

    /**
     * "host port P is held by container NAME" or "... by a program on this host that is not a container", for a
     * tool error that names a taken port; empty otherwise. Never throws.
     */
    public static Optional<String> explain(ToolRunner tools, Path docker, Duration timeout, String toolMessage) {
        return holder(tools, docker, timeout, toolMessage).map(held -> held + CREATE_ADVICE);
    }

    /**
     * {@code message} without the advice {@link #explain} gives a create (another port, or none): for an
     * environment that keeps its port, a caller says instead what to do with it.
     */
    public static String withoutCreateAdvice(String message) {
        return message.replace(CREATE_ADVICE, "");
    }

    /**
     * {@code failure} of starting a stopped cluster, with who holds the host port it names, if it names one: the
     * cluster's containers publish fixed ports, so the advice is to free the port or move the environment.
     * Otherwise {@code failure} itself. Never throws.
     */
    public static EnvctlException startFailure(ToolRunner tools, Path docker, Duration timeout,
                                               EnvctlException failure) {
        Optional<String> held = holder(tools, docker, timeout, failure.getMessage());
        if (held.isEmpty()) {
            return failure;
        }
        String message = failure.getMessage() + "; " + held.get() + ": stop what holds it and start again, or give "
                + "the environment other ports (applied with replace, which makes a new cluster)";
        return failure instanceof CommandFailedException c
                ? new CommandFailedException(c.code(), message, c.argv(), c.exitValue(), c.stderrTail(), c.timedOut(),
                failure)
                : new EnvctlException(failure.code(), message, failure);
    }

    /** "host port P is held by ..." for a tool error that names a taken port; empty otherwise. Never throws. */
    private static Optional<String> holder(ToolRunner tools, Path docker, Duration timeout, String toolMessage) {
        Optional<Integer> port = takenPort(toolMessage);
        if (port.isEmpty()) {
            return Optional.empty();
        }
        String holder = "a program on this host that is not a container";
        try {
            CommandResult r = tools.run(List.of(docker.toString(), "ps", "--filter", "publish=" + port.get(),
                    "--format", "{{.Names}}"), Map.of(), null, timeout, "", ProgressListener.NONE);
            List<String> names = r.succeeded() ? r.stdout().stream().map(String::strip).filter(n -> !n.isEmpty())
                    .toList() : List.of();
            if (!names.isEmpty()) {
                holder = "container " + String.join(", ", names);
            }
        } catch (RuntimeException e) {
            // the hint is best effort: the tool's own message already names the port
        }
        return Optional.of("host port " + port.get() + " is held by " + holder);
    }
}
