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
 * The host ports a cluster's containers bind, read with {@code docker inspect}: container port 80 is the
 * environment's http port, 443 its https port and 6443 its API server's, as k3d's load balancer and kind's nodes
 * map them (the Kindler scripts' clusters included). A running container's ports are the ones Docker published;
 * a stopped one's are the bindings it was made with, which it binds again when it starts (k3d and kind give
 * every binding a fixed host port). Stateless.
 */
public final class PublishedPorts {
    /**
     * {@code docker inspect}'s template: one {@code PORT/PROTO -> ADDRESS:HOSTPORT} line per binding, the published
     * ones (a running container's) first, then the configured ones (k3d writes the API's without {@code /tcp}).
     */
    static final String TEMPLATE = "{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{$p}} -> {{.HostIp}}:"
            + "{{.HostPort}}{{println}}{{end}}{{end}}{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{$p}} -> "
            + "{{.HostIp}}:{{.HostPort}}{{println}}{{end}}{{end}}";
    /** A line of {@link #TEMPLATE}: {@code 80/tcp -> 0.0.0.0:18080}, {@code 6443 -> 127.0.0.1:26443}, IPv6 too. */
    private static final Pattern LINE = Pattern.compile("^(\\d+)(?:/tcp)? -> .*:(\\d+)$");
    private static final Map<Integer, PortRole> ROLES = Map.of(80, PortRole.HTTP, 443, PortRole.HTTPS, 6443,
            PortRole.API);

    private PublishedPorts() {
    }

    /**
     * The ports {@code containers} bind, by role, the first container that binds a role winning; a container that
     * does not exist adds nothing (k3d's load balancer or kind's external one may not).
     *
     * @throws EnvctlException {@code PROVIDER_FAILED} when {@code docker inspect} failed for every container (Docker
     *                         does not answer, or none of them exists), naming the last error: "publishes nothing"
     *                         must not be concluded from a docker that could not tell
     */
    public static Map<PortRole, Integer> of(ToolRunner tools, Path docker, Duration timeout, List<String> containers) {
        Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
        String lastError = "no container to ask";
        boolean answered = false;
        for (String container : containers) {
            try {
                CommandResult r = tools.run(List.of(docker.toString(), "inspect", "--format", TEMPLATE,
                        container), Map.of(), null, timeout,
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
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "docker inspect " + String.join(", ", containers)
                    + " failed (" + lastError + ")");
        }
        return ports;
    }

    /**
     * The roles of {@link #TEMPLATE}'s lines; ports other than 80, 443 and 6443, udp, and a binding left to Docker
     * (no host port, or 0, in a stopped container's configuration) are not roles.
     */
    static Map<PortRole, Integer> parse(List<String> lines) {
        Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
        for (String line : lines) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                PortRole role = ROLES.get(Integer.parseInt(m.group(1)));
                if (role != null && Integer.parseInt(m.group(2)) != 0) {
                    ports.putIfAbsent(role, Integer.parseInt(m.group(2)));
                }
            }
        }
        return ports;
    }
}
