package dev.envctl.core.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a command and every process it started, for its timeout and for the JVM's shutdown alike: each gets
 * SIGTERM, and those still alive {@link #KILL_GRACE} later get SIGKILL, with any process the command started in
 * the meantime. The descendants are taken before the command is signalled: once it is gone, its children are no
 * longer found under it.
 */
final class ProcessTree {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    /** How long a process the SIGTERM did not end has before it is killed outright (SIGKILL). */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private ProcessTree() {
    }

    /**
     * Sends SIGTERM to {@code root} and its descendants now and SIGKILL to those left after the grace.
     *
     * @return completes when every one of them has ended, or once SIGKILL was sent
     */
    static CompletableFuture<Void> end(String tool, ProcessHandle root, String why) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        LOG.debug("{}: {}; ending it and the {} process(es) it started", tool, why, tree.size() - 1);
        tree.forEach(ProcessHandle::destroy);
        CompletableFuture<?>[] ends = tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(ends).completeOnTimeout(null, KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(() -> {
                    Set<ProcessHandle> left = new LinkedHashSet<>(tree);
                    root.descendants().forEach(left::add); // started after the SIGTERM, by one that ignored it
                    left.removeIf(p -> !p.isAlive());
                    if (!left.isEmpty()) {
                        LOG.warn("{}: {}; {} process(es) did not end {} s after SIGTERM; killing them", tool, why,
                                left.size(), KILL_GRACE.toSeconds());
                        left.forEach(ProcessHandle::destroyForcibly);
                    }
                });
    }
}
