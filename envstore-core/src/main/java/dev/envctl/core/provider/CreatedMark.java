package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.exec.CommandResult;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mark a provider leaves in one node container of a cluster once its tool's create has returned success: an
 * empty file at {@code path}, written with {@code docker exec NODE sh -c ': > PATH'} and looked for with
 * {@code docker exec NODE sh -c 'test -e PATH'}. It answers
 * {@link dev.envctl.core.spi.ClusterProvider#createFinished} for tools whose nodes run before their create has
 * finished. The file lives in the node container, so it survives stop and start and goes with the cluster; a
 * cluster envctl did not make has none, which the engine never asks about (it asks only for records a create of
 * its own left {@code creating}). Immutable and thread-safe.
 *
 * @param path absolute path of the file inside the node container
 */
public record CreatedMark(String path) {
    private static final Logger LOG = LoggerFactory.getLogger(CreatedMark.class);

    public CreatedMark {
        Objects.requireNonNull(path, "path");
        if (!path.matches("/[A-Za-z0-9._/-]+")) {
            throw new IllegalArgumentException("a created mark needs an absolute path of plain characters: " + path);
        }
    }

    /** {@code docker exec NODE sh -c ': > PATH'}. */
    public List<String> writeArgv(String docker, String node) {
        return List.of(docker, "exec", node, "sh", "-c", ": > " + path);
    }

    /** {@code docker exec NODE sh -c 'test -e PATH'}: exit 0 when the mark is there. */
    public List<String> testArgv(String docker, String node) {
        return List.of(docker, "exec", node, "sh", "-c", "test -e " + path);
    }

    /**
     * Leaves the mark in {@code node}. Never throws: a mark not written is a WARN, and costs at most a second
     * create should envctl be stopped before it records the cluster as running.
     */
    public void leave(ToolRunner tools, Path docker, String node, Duration timeout, String environment,
                      String provider) {
        String why;
        try {
            CommandResult r = tools.run(writeArgv(docker.toString(), node), Map.of(), null, timeout, environment,
                    ProgressListener.NONE);
            if (r.succeeded()) {
                return;
            }
            why = r.stderrTail(2);
        } catch (EnvctlException e) {
            why = e.getMessage();
        }
        LOG.warn("{}: could not mark the {} create as finished ({}); should envctl be stopped before it records the "
                + "cluster as running, the next reconcile creates it again", environment, provider, why);
    }

    /**
     * Whether {@code node} has the mark: false when it has not, and when Docker cannot tell (no such container, a
     * stopped one, no daemon), so a caller that cannot tell creates the cluster again.
     *
     * @throws EnvctlException when {@code docker exec} could not be run or timed out
     */
    public boolean foundIn(ToolRunner tools, Path docker, String node, Duration timeout, String environment) {
        return tools.run(testArgv(docker.toString(), node), Map.of(), null, timeout, environment,
                ProgressListener.NONE).succeeded();
    }
}
