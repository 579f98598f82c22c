package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host ports a cluster's containers publish, read with {@code docker port CONTAINER}: container port 80 is
 * the environment's http port, 443 its https port and 6443 its API server's, as k3d's load balancer and kind's
 * nodes map them (the Kindler scripts' clusters included). Stateless.
 */
public final class PublishedPorts {
    /** A line of {@code docker port}: {@code 80/tcp -> 0.0.0.0:18080}, or {@code ... -> [::]:18080}. */
    private static final Pattern LINE = Pattern.compile("^(\\d+)/tcp -> .*:(\\d+)$");
    private static final Map<Integer, PortRole> ROLES = Map.of(80, PortRole.HTTP, 443, PortRole.HTTPS, 6443,
            PortRole.API);

    private PublishedPorts() {
    }

    /**
     * The ports {@code containers} publish, by role, the first container that publishes a role winning; a
     * container that does not exist adds nothing (k3d's load balancer or kind's external one may not). A stopped
     * container publishes nothing, as Docker has it.
     *
     * @throws EnvctlException {@code PROVIDER_FAILED} when {@code docker port} failed for every container (Docker
     *                         does not answer, or none of them exists), naming the last error: "publishes nothing"
     *                         must not be concluded from a docker that could not tell
     */
    public static Map<PortRole, Integer> of(ToolRunner tools, Path docker, Duration timeout, List<String> containers) {
        Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
        String lastError = "no container to ask";
        boolean answered = false;
        for (String container : containers) {
            try {
                CommandResult r = tools.run(List.of(docker.toString(), "port", container), Map.of(), null, timeout,
                        "", ProgressListener.NONE);
                if (r.succeeded()) {
                    answered = true;
                    parse(r.stdout()).forEach(ports::putIfAbsent);
                } else {
                    lastError = "exit " + r.exitCode() + ": " + r.stderrTail(2);
                }
            } catch (RuntimeException e) {
                lastError = e.getMessage();
            }
        }
        if (!answered) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "docker port " + String.join(", ", containers)
                    + " failed (" + lastError + ")");
        }
        return ports;
    }

    /** The roles of {@code docker port}'s lines; ports other than 80, 443 and 6443, and udp, are not roles. */
    static Map<PortRole, Integer> parse(List<String> lines) {
        Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
        for (String line : lines) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                PortRole role = ROLES.get(Integer.parseInt(m.group(1)));
                if (role != null) {
                    ports.putIfAbsent(role, Integer.parseInt(m.group(2)));
                }
            }
        }
        return ports;
    }
}
