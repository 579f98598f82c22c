package dev.envctl.cli.internal;

import dev.envctl.core.Host;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What {@code host add} learns by asking the Docker daemon of the new host and those of the other hosts who they
 * are: all at once, within one bound for all of them, so hosts whose daemon does not answer cost that bound once,
 * not once each. Stateless; each check uses threads of its own and ends them before it returns.
 */
final class SameDaemon {
    /** The most daemons asked at once; the others wait for a thread, within the same bound. */
    private static final int THREADS = 16;

    private SameDaemon() {
    }

    /**
     * What a check found.
     *
     * @param identity   the new host's daemon's answer; empty when it did not answer, and nothing was compared
     * @param same       the first other host, in the order given, whose daemon answers as the new host's does
     * @param unanswered the other hosts whose daemon did not answer in time, so they were not compared
     */
    record Finding(Optional<String> identity, Optional<Host> same, List<Host> unanswered) {
        Finding {
            unanswered = List.copyOf(unanswered);
        }
    }

    /**
     * Asks {@code identity} who the daemon of {@code added} and of each of {@code others} is (empty: it did not
     * answer), waiting at most {@code bound} for all the answers together; an answer not in by then counts as
     * none.
     */
    static Finding check(Host added, List<Host> others, Function<Host, Optional<String>> identity, Duration bound) {
        List<Host> hosts = new ArrayList<>();
        hosts.add(added);
        others.stream().filter(h -> !h.name().equals(added.name())).forEach(hosts::add);
        List<Optional<String>> answers = askAll(hosts, identity, bound);
        if (answers.get(0).isEmpty()) {
            return new Finding(Optional.empty(), Optional.empty(), List.of());
        }
        Optional<Host> same = Optional.empty();
        List<Host> unanswered = new ArrayList<>();
        for (int i = 1; i < hosts.size(); i++) {
            if (answers.get(i).isEmpty()) {
                unanswered.add(hosts.get(i));
            } else if (same.isEmpty() && answers.get(i).equals(answers.get(0))) {
                same = Optional.of(hosts.get(i));
            }
        }
        return new Finding(answers.get(0), same, unanswered);
    }

    /** Each host's answer, in the order of {@code hosts}. */
    private static List<Optional<String>> askAll(List<Host> hosts, Function<Host, Optional<String>> identity,
                                                 Duration bound) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(hosts.size(), THREADS), r -> {
            Thread t = new Thread(r, "envctl-identity");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Callable<Optional<String>>> asks = hosts.stream()
                    .<Callable<Optional<String>>>map(h -> () -> identity.apply(h)).toList();
            List<Optional<String>> answers = new ArrayList<>();
            for (Future<Optional<String>> f : pool.invokeAll(asks, bound.toMillis(), TimeUnit.MILLISECONDS)) {
                answers.add(answer(f));
            }
            return answers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return hosts.stream().map(h -> Optional.<String>empty()).toList();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A done ask's answer; one cancelled at the bound, or that failed, is none. */
    private static Optional<String> answer(Future<Optional<String>> f) throws InterruptedException {
        try {
            Optional<String> answer = f.get();
            return answer == null ? Optional.empty() : answer;
        } catch (CancellationException | ExecutionException e) {
            return Optional.empty();
        }
    }
}
