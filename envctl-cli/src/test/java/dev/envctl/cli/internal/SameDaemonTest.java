package dev.envctl.cli.internal;

import dev.envctl.core.Host;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** How host add compares the new host's Docker daemon with the other hosts', with stand-in answers. */
class SameDaemonTest {
    /** Far longer than any check here takes, and never waited for when the check works. */
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private static final Host NEW = host("new");
    private static final Host DEAD1 = host("dead1");
    private static final Host DEAD2 = host("dead2");
    private static final Host TWO = host("two");

    private static Host host(String name) {
        return new Host(name, "tcp://" + name + ".example:2376", null, Map.of(), null);
    }

    /** Answers as {@code answers} says (no entry: no answer), once every host has been asked. */
    private static Function<Host, Optional<String>> answeringOnceAllAreAsked(Map<String, String> answers,
                                                                             CountDownLatch asked,
                                                                             Set<String> sawAllAsked) {
        return h -> {
            asked.countDown();
            try {
                if (asked.await(GENEROUS.toSeconds(), TimeUnit.SECONDS)) {
                    sawAllAsked.add(h.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.ofNullable(answers.get(h.name()));
        };
    }

    @Test
    void asksEveryDaemonAtOnceAndNamesEachThatDidNotAnswer() {
        List<Host> others = List.of(Host.LOCAL, DEAD1, DEAD2, TWO);
        CountDownLatch asked = new CountDownLatch(1 + others.size());
        Set<String> sawAllAsked = ConcurrentHashMap.newKeySet();

        SameDaemon.Finding found = SameDaemon.check(NEW, others, answeringOnceAllAreAsked(Map.of("new", "N",
                "local", "L", "two", "T"), asked, sawAllAsked), GENEROUS.multipliedBy(2));

        // each ask waited until every host had been asked: none waited for another to finish first
        assertThat(sawAllAsked).containsExactlyInAnyOrder("new", "local", "dead1", "dead2", "two");
        assertThat(found.identity()).contains("N");
        assertThat(found.same()).isEmpty();
        assertThat(found.unanswered()).containsExactly(DEAD1, DEAD2);
    }

    @Test
    void anAnswerNotInWithinTheBoundCountsAsNone() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            SameDaemon.Finding found = SameDaemon.check(NEW, List.of(Host.LOCAL, DEAD1), h -> {
                if (h.equals(DEAD1)) {
                    try {
                        never.await(GENEROUS.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Optional.of("N");
                }
                return Optional.of(h.equals(NEW) ? "N" : "L");
            }, Duration.ofMillis(300));

            assertThat(found.identity()).contains("N");
            assertThat(found.same()).as("dead1's late answer is not taken").isEmpty();
            assertThat(found.unanswered()).containsExactly(DEAD1);
        } finally {
            never.countDown();
        }
    }

    @Test
    void findsTheHostWhoseDaemonAnswersAsTheNewOnesAndStillNamesThoseThatDidNotAnswer() {
        SameDaemon.Finding found = SameDaemon.check(NEW, List.of(Host.LOCAL, DEAD1, TWO),
                h -> Optional.ofNullable(Map.of("new", "T", "local", "L", "two", "T").get(h.name())), GENEROUS);

        assertThat(found.same()).contains(TWO);
        assertThat(found.identity()).contains("T");
        assertThat(found.unanswered()).containsExactly(DEAD1);
    }

    @Test
    void whenTheNewHostsDaemonDoesNotAnswerNothingIsCompared() {
        SameDaemon.Finding found = SameDaemon.check(NEW, List.of(Host.LOCAL, DEAD1),
                h -> h.equals(Host.LOCAL) ? Optional.of("L") : Optional.empty(), GENEROUS);

        assertThat(found.identity()).isEmpty();
        assertThat(found.same()).isEmpty();
        assertThat(found.unanswered()).isEmpty();
    }

    @Test
    void anAskThatFailsCountsAsNoAnswerAndTheNewHostIsNotComparedWithItself() {
        SameDaemon.Finding found = SameDaemon.check(NEW, List.of(Host.LOCAL, NEW, DEAD1), h -> {
            if (h.equals(DEAD1)) {
                throw new IllegalStateException("docker crashed");
            }
            return Optional.of(h.equals(NEW) ? "N" : "L");
        }, GENEROUS);

        assertThat(found.same()).isEmpty();
        assertThat(found.unanswered()).containsExactly(DEAD1);
    }
}
