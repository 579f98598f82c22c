package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Create, reconcile and delete with the real tools, for both providers, with and without a subnet: the cluster
 * runs, Docker publishes http and https on the listen address and the API on 127.0.0.1, a subnet network has
 * its subnet and a gateway (under the name the Kindler scripts look up for k3d), and delete leaves nothing.
 */
@ExtendWith(RealToolsExtension.class)
class CreateDeleteIT {

    @ParameterizedTest(name = "{0} subnet={1}")
    @CsvSource({"k3d,none", "k3d,10.230.7.0/24", "kind,none", "kind,10.230.8.0/24"})
    void createPublishesThePortsReconcileHasNothingToDoAndDeleteLeavesNothing(String provider, String subnet,
                                                                              Sandbox s) throws Exception {
        String name = s.name(provider.equals("k3d") ? "k" : "i");
        Shell.Result created = s.envctl("create", name, "--provider", provider, "--subnet", subnet);
        assertThat(created.exit()).as(created.toString()).isZero();

        JsonNode e = s.get(name);
        assertThat(e.get("actualState").asText()).isEqualTo("running");
        int http = e.get("ports").get("http").asInt();
        int https = e.get("ports").get("https").asInt();
        int api = e.get("ports").get("api").asInt();
        String lb = provider.equals("k3d") ? "k3d-" + name + "-serverlb" : name + "-control-plane";
        assertThat(s.published(lb, 80)).containsExactly("0.0.0.0:" + http);
        assertThat(s.published(lb, 443)).containsExactly("0.0.0.0:" + https);
        assertThat(s.published(lb, 6443)).containsExactly("127.0.0.1:" + api);
        // the mark that tells a finished create from one stopped while its nodes already ran
        assertThat(provider.equals("kind")
                ? s.tool("docker", "exec", name + "-control-plane", "sh", "-c", "test -e /kind/envctl-created").exit()
                : s.tool("docker", "exec", "k3d-" + name + "-server-0", "sh", "-c",
                "test -e /var/lib/rancher/k3s/envctl-created").exit()).isZero();
        assertThat(created.err()).doesNotContain("could not mark");

        if (!subnet.equals("none")) {
            assertThat(e.get("subnet").asText()).isEqualTo(subnet);
            String network = provider.equals("k3d") ? "k3d-" + name : "kind-" + name + "-net";
            String gateway = subnet.replace(".0/24", ".1");
            assertThat(s.lines("docker", "network", "inspect", "--format",
                    "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", network))
                    .containsExactly(subnet + " " + gateway);
            assertThat(s.lines("docker", "inspect", "--format",
                    "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{println}}{{end}}",
                    provider.equals("k3d") ? "k3d-" + name + "-server-0" : name + "-control-plane"))
                    .contains(network);
        }

        Shell.Result reconciled = s.envctl("reconcile", "-o", "json");
        assertThat(reconciled.exit()).as(reconciled.toString()).isZero();
        JsonNode report = Sandbox.JSON.readTree(reconciled.out());
        assertThat(report.toString()).contains("\"unchanged\"").doesNotContain("\"created\"")
                .doesNotContain("\"recreated\"").doesNotContain("\"failed\"");

        s.deleteLeavesNothing(name);
        assertThat(s.envctl("get", name).exit()).isEqualTo(3);
    }

    /**
     * A KUBECONFIG of several files, as many users keep: the context goes to the first that exists, as kubectl and kind
     * write (k3d itself would write none, only warn), and delete removes it from there.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aKubeconfigOfSeveralFilesGetsTheContextInTheFileKubectlWrites(String provider, Sandbox s) throws Exception {
        String name = s.name("kc");
        java.nio.file.Files.writeString(s.kubeconfig, "");
        s.env.put("KUBECONFIG", s.dir.resolve("missing.yaml") + ":" + s.kubeconfig);

        Shell.Result created = s.envctl("create", name, "--provider", provider);

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(Sandbox.read(s.kubeconfig)).contains("name: " + provider + "-" + name + "\n");
        assertThat(s.dir.resolve("missing.yaml")).doesNotExist();
        s.deleteLeavesNothing(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aNodeImageThatDoesNotExistExits6AndLeavesNothingBehind(String provider, Sandbox s) {
        String name = s.name("bad");
        Shell.Result r = s.envctl("create", name, "--provider", provider, "--subnet", "auto", "--image",
                "envctl-fake/does-not-exist:none");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.err()).contains("envctl removed what this create had made");
        assertThat(s.leftovers(name)).isEmpty();
        JsonNode e = s.get(name);
        assertThat(e.get("actualState").asText()).isEqualTo("failed");

        s.deleteLeavesNothing(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aSubnetDockerRefusesIsDockersOwnAnswerWithExit6AndNothingLeft(String provider, Sandbox s) {
        String existing = s.name("taken");
        s.lines("docker", "network", "create", "--subnet", "10.231.0.0/16", "--gateway", "10.231.0.1", existing);
        String name = s.name("o");

        Shell.Result r = s.envctl("create", name, "--provider", provider, "--subnet", "10.231.4.0/24");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(Sandbox.lower(r.err())).contains("overlaps");
        assertThat(r.err()).as("envctl names the network Docker's answer does not")
                .contains("10.231.4.0/24 overlaps Docker network '" + existing + "' (10.231.0.0/16)");
        assertThat(s.leftovers(name)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0.0.0.0/0", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "10.230.9.0/31"})
    void aSubnetNoDockerNetworkCanUseIsInvalidInputAndNothingIsWritten(String subnet, Sandbox s) {
        String name = s.name("x");
        Shell.Result r = s.envctl("create", name, "--subnet", subnet);

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(s.store).doesNotExist();
        assertThat(s.leftovers(name)).isEmpty();
    }
}
