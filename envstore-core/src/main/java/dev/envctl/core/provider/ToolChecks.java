package dev.envctl.core.provider;

import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.ProgressListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code envctl doctor} lines every tool-driving provider reports: its tool found and its version, and
 * Docker answering {@code docker info}. Stateless.
 */
public final class ToolChecks {
    /** Where to get Docker, for messages. */
    public static final String DOCKER_INSTALL = "https://docs.docker.com/engine/install/";
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(30);

    private ToolChecks() {
    }

    /**
     * PASS with the tool's version and path, or FAIL saying how to install it (not found) or that it does not
     * run ({@code version} threw).
     *
     * @param setting the provider setting naming the binary, such as {@code binary}
     * @param install where to get the tool
     */
    public static PrerequisiteCheck tool(ToolRunner tools, String provider, String setting, String binary,
                                         String install, Supplier<String> version) {
        Optional<Path> found = tools.find(binary);
        if (found.isEmpty()) {
            return found(tools, provider, setting, binary, install);
        }
        try {
            return PrerequisiteCheck.pass(provider, provider + " " + version.get() + " at " + found.get());
        } catch (RuntimeException e) {
            return PrerequisiteCheck.fail(provider, e.getMessage(), "check that " + found.get() + " is " + provider
                    + " and runs");
        }
    }

    /**
     * PASS with the tool's path, or FAIL saying how to install it (in its detail, which says where to get it, so no
     * hint repeats that): {@link #tool} without running the tool.
     */
    public static PrerequisiteCheck found(ToolRunner tools, String provider, String setting, String binary,
                                          String install) {
        return tools.find(binary).map(path -> PrerequisiteCheck.pass(provider, provider + " at " + path))
                .orElseGet(() -> PrerequisiteCheck.fail(provider, ToolRunner.missing(provider, setting, binary,
                        install), null));
    }

    /** PASS when {@code docker info} prints a server version within {@code timeout} (at most 30 s). */
    public static PrerequisiteCheck docker(ToolRunner tools, String provider, String setting, String dockerBinary,
                                           Duration timeout) {
        Optional<Path> docker = tools.find(dockerBinary);
        if (docker.isEmpty()) {
            return PrerequisiteCheck.fail("docker", ToolRunner.missing(provider, setting, dockerBinary,
                    DOCKER_INSTALL), null);
        }
        try {
            Duration t = timeout.compareTo(DOCKER_TIMEOUT) < 0 ? timeout : DOCKER_TIMEOUT;
            CommandResult r = tools.run(List.of(docker.get().toString(), "info", "--format", "{{.ServerVersion}}"),
                    Map.of(), null, t, "", ProgressListener.NONE);
            if (r.succeeded() && !r.stdoutText().isBlank()) {
                return PrerequisiteCheck.pass("docker", "Docker " + r.stdoutText().strip() + " answers (docker info)");
            }
            return PrerequisiteCheck.fail("docker", "docker info failed (exit code " + r.exitCode() + "): "
                    + r.stderrTail(3), "start Docker, or check DOCKER_HOST and access to the Docker socket");
        } catch (RuntimeException e) {
            return PrerequisiteCheck.fail("docker", e.getMessage(), "start Docker, or check DOCKER_HOST");
        }
    }
}
