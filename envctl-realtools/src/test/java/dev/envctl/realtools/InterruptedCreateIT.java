package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A create stopped while the real tool runs, where its cluster already lists as running: the next reconcile must
 * make it again, not take it as finished, and so must a start after a stop of it.
 */
@ExtendWith(RealToolsExtension.class)
class InterruptedCreateIT {
    private static final String MARK = "/var/lib/rancher/k3s/envctl-created";

    /**
     * Where a prober stopped k3d v5.7.4: after "Injecting records ... into CoreDNS configmap", every node and the
     * load balancer running, the kubeconfig not written. The local k3s holds the log line k3d waits for there
     * (--envctl-fake-dns-delay). envctl and k3d are killed together ({@code kill -9} of their process group, as a
     * machine that stops): with Ctrl-C the state left is the same unless envctl's cleanup gets to run first.
     */
    @Test
    void aK3dCreateKilledOnceItsLoadBalancerRunsIsMadeAgainByReconcileAndItsMarkOutlivesStopAndStart(Sandbox s)
            throws Exception {
        String name = killedOnceItsLoadBalancerRuns(s, "cut");
        String server = s.lines("docker", "inspect", "--format", "{{.Id}}", "k3d-" + name + "-server-0").get(0);

        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");

        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        JsonNode outcome = Sandbox.JSON.readTree(reconciled.out()).get("outcomes").get(0);
        assertThat(outcome.get("action").asText()).isEqualTo("created");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.lines("docker", "inspect", "--format", "{{.Id}}", "k3d-" + name + "-server-0"))
                .as("the half-made cluster was deleted and made again").doesNotContain(server);
        assertThat(s.leftovers(name)).anyMatch(l -> l.startsWith("kubeconfig") && l.contains("k3d-" + name));
        assertThat(marked(s, name)).isTrue();

        assertThat(s.envctl("stop", name).exit()).isZero();
        assertThat(s.envctl("start", name).exit()).isZero();
        assertThat(marked(s, name)).as("the mark outlives stop and start").isTrue();
        Shell.Result again = s.envctl("reconcile", name, "-o", "json");
        assertThat(again.out()).contains("\"unchanged\"").doesNotContain("\"created\"");

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * The stop and start of an environment whose create was cut short: the stop keeps it {@code creating}, so the
     * start asks whether the create finished (it did not) and makes the half-made cluster again, never taking it as
     * made.
     */
    @Test
    void aStopOfACreateKilledHalfWayKeepsItCreatingAndTheStartMakesTheClusterAgain(Sandbox s) throws Exception {
        String name = killedOnceItsLoadBalancerRuns(s, "cutstop");
        String server = s.lines("docker", "inspect", "--format", "{{.Id}}", "k3d-" + name + "-server-0").get(0);

        Shell.Result stopped = s.envctl("stop", name);

        assertThat(stopped.exit()).as(stopped.toString()).isZero();
        assertThat(stopped.out()).contains("stopped " + name + "; its create did not finish, so it stays creating");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("creating");
        assertThat(s.running("k3d-" + name + "-server-0"))
                .containsExactly("false");

        Shell.Result started = s.envctl("start", name);

        assertThat(started.exit()).as(started.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.lines("docker", "inspect", "--format", "{{.Id}}", "k3d-" + name + "-server-0"))
                .as("the half-made cluster was deleted and made again").doesNotContain(server);
        assertThat(marked(s, name)).isTrue();

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * A kind create ended by SIGTERM sent to its whole process group, as {@code timeout} sends it (and Ctrl-C sends
     * SIGINT to a terminal's foreground group): kind gets the signal itself and may return its failure before envctl
     * begins to stop its commands. Whichever comes first, the record never asks for leftovers to be removed by hand,
     * and the next reconcile makes the cluster.
     */
    @Test
    void aKindCreateWhoseProcessGroupGetsSigtermIsFinishedByReconcileWithNothingToRemoveByHand(Sandbox s)
            throws Exception {
        String name = s.name("grp");
        Path output = s.dir.resolve("create-kind.txt");

        Process create = s.envctlInOwnSession(output, "create", name, "--provider", "kind", "--subnet", "auto", "-v");
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.readString(output).contains("Preparing nodes") && create.isAlive()
                && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(output)).as("kind began to make its nodes").contains("Preparing nodes");
        assertThat(s.tool("kill", "-TERM", "--", "-" + create.pid()).exit()).isZero();
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(create.exitValue()).as(Files.readString(output)).isEqualTo(143);
        JsonNode left = s.get(name);
        assertThat(left.get("lastError").asText()).as(left.toString()).doesNotContain("by hand");

        Shell.Result reconciled = s.envctl("reconcile", name, "-o", "json");

        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        assertThat(Sandbox.JSON.readTree(reconciled.out()).get("outcomes").get(0).get("action").asText())
                .isEqualTo("created");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    /**
     * A create of a new environment named after {@code prefix}, killed with k3d (its process group, {@code kill -9})
     * where a prober stopped k3d v5.7.4, every node running; returns the name, its record {@code creating}.
     */
    private static String killedOnceItsLoadBalancerRuns(Sandbox s, String prefix) throws Exception {
        assumeTrue(s.machine.fakeImages(), "needs the local node images, whose k3s can hold its CoreDNS log line");
        s.configure("provider.k3d.k3s-args=--envctl-fake-dns-delay=15@server:*");
        String name = s.name(prefix);
        Path output = s.dir.resolve("create.txt");

        Process create = s.envctlInOwnSession(output, "create", name, "--provider", "k3d", "-v");
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.readString(output).contains("into CoreDNS configmap") && create.isAlive()
                && Instant.now().isBefore(until)) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(output)).as("k3d reached its CoreDNS step").contains("into CoreDNS configmap");
        assertThat(s.running("k3d-" + name + "-serverlb"))
                .containsExactly("true");
        assertThat(s.tool("kill", "-KILL", "--", "-" + create.pid()).exit()).isZero();
        assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(s.get(name).get("actualState").asText()).isEqualTo("creating");
        assertThat(s.leftovers(name)).noneMatch(l -> l.startsWith("kubeconfig"));
        return name;
    }

    private static boolean marked(Sandbox s, String name) {
        return s.tool("docker", "exec", "k3d-" + name + "-server-0", "sh", "-c", "test -e " + MARK).exit() == 0;
    }
}
