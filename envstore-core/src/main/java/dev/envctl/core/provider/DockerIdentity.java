package dev.envctl.core.provider;

import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Docker daemon an environment's variables reach ({@code DOCKER_HOST}, {@code DOCKER_CONTEXT}, or the
 * default): its ID, name and root folder as {@code docker info} prints them. Two daemons of one machine share the
 * name (and, before Docker 23, the ID of {@code /etc/docker/key.json}) but not the root folder; daemons of two
 * machines differ in name or ID. Stateless.
 */
public final class DockerIdentity {
    static final String TEMPLATE = "{{.ID}} {{.Name}} {{.DockerRootDir}}";
    /** How long {@link #of} waits for {@code docker info}. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private DockerIdentity() {
    }

    /** The identity of the daemon {@code environment} reaches; empty when docker is missing or does not answer. */
    public static Optional<String> of(Map<String, String> environment) {
        ToolRunner tools = new ToolRunner(environment);
        Optional<Path> docker = tools.find("docker");
        if (docker.isEmpty()) {
            return Optional.empty();
        }
        try {
            CommandResult r = tools.run(List.of(docker.get().toString(), "info", "--format", TEMPLATE), Map.of(),
                    null, TIMEOUT, "", ProgressListener.NONE);
            String identity = r.stdoutText().strip();
            return r.succeeded() && !identity.isEmpty() ? Optional.of(identity) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
