package dev.envctl.bench.internal.engine;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterStatus;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PlannedCommand;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.ProgressListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A stand-in provider whose clusters are files in one folder, so that several processes see the same
 * clusters, and whose create takes a fixed time, like a real tool but without Docker. Creating a cluster that
 * exists fails, as k3d does; deleting a missing one succeeds. Thread-safe.
 */
public final class DirProvider implements ClusterProvider {
    public static final String ID = "k3d";
    private final Path folder;
    private final Duration createTime;

    public DirProvider(Path folder, Duration createTime) {
        this.folder = folder;
        this.createTime = createTime;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void create(Environment environment, ProgressListener progress) {
        sleep(createTime);
        Path file = folder.resolve(environment.name());
        if (Files.exists(file)) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "cluster " + environment.name() + " already exists");
        }
        try {
            Path tmp = Files.createTempFile(folder, ".new-", ".tmp");
            Files.writeString(tmp, environment.ports().toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "stand-in create failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(Environment environment, ProgressListener progress) {
        try {
            Files.deleteIfExists(folder.resolve(environment.name()));
        } catch (IOException e) {
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "stand-in delete failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ClusterStatus> list() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().map(n -> new ClusterStatus(n, ID, true, "stand-in")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String version() {
        return "v0.0.0-stand-in";
    }

    @Override
    public List<PrerequisiteCheck> checkPrerequisites() {
        return List.of(PrerequisiteCheck.pass("stand-in", folder.toString()));
    }

    @Override
    public List<PlannedCommand> planCreate(Environment environment) {
        return List.of(PlannedCommand.of(List.of("stand-in", "create", environment.name())));
    }

    @Override
    public List<PlannedCommand> planDelete(Environment environment) {
        return List.of(PlannedCommand.of(List.of("stand-in", "delete", environment.name())));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "interrupted");
        }
    }
}
