package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code apply -f} of several environments in parallel, drift (a cluster deleted behind envctl's back) under both
 * policies, and a name an unmanaged cluster already has, all with the real tools.
 */
@ExtendWith(RealToolsExtension.class)
class ApplyDriftIT {

    @Test
    void applyCreatesFourEnvironmentsInParallelAndPruneRemovesThemAll(Sandbox s) throws Exception {
        List<String> names = List.of(s.name("a"), s.name("b"), s.name("c"), s.name("d"));
        Sandbox.write(s.dir.resolve("envs.yaml"), String.join("\n",
                "- name: " + names.get(0),
                "  provider: k3d",
                "- name: " + names.get(1),
                "  provider: k3d",
                "  subnet: auto",
                "- name: " + names.get(2),
                "  provider: kind",
                "- name: " + names.get(3),
                "  provider: kind",
                "  subnet: auto", ""));
        s.configure("reconcile.concurrency=4");

        Shell.Result applied = s.envctl("apply", "-f", s.dir.resolve("envs.yaml").toString(), "-o", "json");

        assertThat(applied.exit()).as(applied.toString()).isZero();
        for (String name : names) {
            assertThat(s.get(name).get("actualState").asText()).as(name).isEqualTo("running");
        }
        assertThat(s.lines("k3d", "cluster", "list", "--no-headers")).filteredOn(l -> l.startsWith(s.prefix))
                .hasSize(2);
        assertThat(s.lines("kind", "get", "clusters")).filteredOn(l -> l.startsWith(s.prefix)).hasSize(2);
        Shell.Result again = s.envctl("reconcile", "-o", "json");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).doesNotContain("\"created\"").doesNotContain("\"failed\"");

        Sandbox.write(s.dir.resolve("none.yaml"), "[]\n");
        Shell.Result pruned = s.envctl("apply", "-f", s.dir.resolve("none.yaml").toString(), "--prune");
        assertThat(pruned.exit()).as(pruned.toString()).isZero();
        for (String name : names) {
            assertThat(s.leftovers(name)).as(name).isEmpty();
            assertThat(s.envctl("get", name).exit()).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aClusterDeletedBehindEnvctlsBackIsRecreatedOrMarkedFailedPerPolicy(String provider, Sandbox s) {
        String name = s.name("drift");
        assertThat(s.envctl("create", name, "--provider", provider).exit()).isZero();
        removeBehindTheBack(s, provider, name);

        Shell.Result recreated = s.envctl("reconcile", "-o", "json");
        assertThat(recreated.exit()).as(recreated.toString()).isZero();
        assertThat(recreated.out()).contains("\"recreated\"");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");

        removeBehindTheBack(s, provider, name);
        s.configure("reconcile.drift=mark-failed");
        Shell.Result marked = s.envctl("reconcile", "-o", "json");
        assertThat(marked.exit()).as(marked.toString()).isEqualTo(1);
        JsonNode e = s.get(name);
        assertThat(e.get("actualState").asText()).isEqualTo("failed");
        assertThat(e.get("lastError").asText()).contains("drift");

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aNameAnUnmanagedClusterHasIsAConflict(String provider, Sandbox s) {
        String name = s.name("own");
        Shell.Result made = provider.equals("k3d")
                ? s.tool("k3d", "cluster", "create", name, "--image", s.machine.k3dImage, "--no-lb",
                "--kubeconfig-update-default=false")
                : s.tool("kind", "create", "cluster", "--name", name, "--image", s.machine.kindImage);
        assertThat(made.exit()).as(made.toString()).isZero();

        Shell.Result r = s.envctl("create", name, "--provider", provider);

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("already exists and no envctl record owns it");
        assertThat(s.envctl("get", name).exit()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void anApplyAdoptsAClusterMadeWithoutEnvctlWithThePortsItPublishes(String provider, Sandbox s) throws Exception {
        String name = s.name("adopt");
        // between pool.http and pool.https of the sandbox: never allocated, so only reading them can record them
        int http = 28200 + 3 * ThreadLocalRandom.current().nextInt(60);
        int https = http + 1;
        int api = http + 2;
        Shell.Result made;
        if (provider.equals("k3d")) {
            made = s.tool("k3d", "cluster", "create", name, "--image", s.machine.k3dImage, "--api-port",
                    "127.0.0.1:" + api, "-p", "0.0.0.0:" + http + ":80@loadbalancer", "-p",
                    "0.0.0.0:" + https + ":443@loadbalancer", "--kubeconfig-update-default=false");
        } else {
            Path config = s.dir.resolve("kind.yaml");
            Sandbox.write(config, String.join("\n",
                    "kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4", "networking:",
                    "  apiServerAddress: 127.0.0.1", "  apiServerPort: " + api, "nodes:", "- role: control-plane",
                    "  extraPortMappings:", "  - containerPort: 80", "    hostPort: " + http,
                    "  - containerPort: 443", "    hostPort: " + https, ""));
            made = s.tool("kind", "create", "cluster", "--name", name, "--image", s.machine.kindImage, "--config",
                    config.toString());
        }
        assertThat(made.exit()).as(made.toString()).isZero();
        Sandbox.write(s.dir.resolve("adopt.yaml"), "- name: " + name + "\n  provider: " + provider + "\n");

        Shell.Result applied = s.envctl("apply", "-f", s.dir.resolve("adopt.yaml").toString());

        assertThat(applied.exit()).as(applied.toString()).isZero();
        JsonNode ports = s.get(name).get("ports");
        assertThat(ports.get("http").asInt()).isEqualTo(http);
        assertThat(ports.get("https").asInt()).isEqualTo(https);
        assertThat(ports.get("api").asInt()).isEqualTo(api);
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    private static void removeBehindTheBack(Sandbox s, String provider, String name) {
        Shell.Result r = provider.equals("k3d") ? s.tool("k3d", "cluster", "delete", name)
                : s.tool("kind", "delete", "cluster", "--name", name);
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
