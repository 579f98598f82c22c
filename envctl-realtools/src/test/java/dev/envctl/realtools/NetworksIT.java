package dev.envctl.realtools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subnet networks found already there, with the real tools: one with the subnet and a gateway is reused (and
 * said so), one an older envctl made without a gateway is made again with one (Docker 20.10 gives none to a
 * network made with --subnet alone, and k3d refuses such a network), and doctor counts in the singular; a
 * network of the environment's name that envctl did not make and the create refused (another subnet, or its
 * subnet without a gateway) survives its delete, and the dry run does not list its removal; a shared k3d network
 * without a gateway is refused by k3d and stays; an automatic subnet
 * skips the block of a network the host already has; a start after the environment's own network was removed
 * while its cluster was stopped says that only a new cluster helps.
 */
@ExtendWith(RealToolsExtension.class)
class NetworksIT {

    /**
     * A shared k3d network made by hand with {@code --subnet} alone has no gateway (Docker 20.10), which k3d refuses
     * once it has made its tools node: the create fails in k3d's words, k3d's rollback and envctl leave nothing of
     * the cluster, and the network, which is no one environment's, stays as it was.
     */
    @Test
    void aSharedK3dNetworkWithoutAGatewayIsRefusedInK3dsWordsAndStays(Sandbox s) {
        String shared = s.name("shared");
        s.lines("docker", "network", "create", "--subnet", "10.233.60.0/24", shared);
        s.configure("provider.k3d.network=" + shared);
        String name = s.name("nogw");

        Shell.Result r = s.envctl("create", name, "--provider", "k3d");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.err()).contains("no gateway defined for network " + shared,
                "the shared Docker network " + shared + " has no gateway, which k3d needs",
                "envctl removed what this create had made");
        assertThat(s.leftovers(name)).isEmpty();
        assertThat(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", shared)).containsExactly("10.233.60.0/24");
        s.deleteLeavesNothing(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,k3d-{n}", "kind,kind-{n}-net"})
    void aNetworkWithTheSubnetAndAGatewayIsReusedAndSaidSo(String provider, String pattern, Sandbox s) {
        String name = s.name("r");
        String network = pattern.replace("{n}", name);
        s.lines("docker", "network", "create", "--subnet", "10.230.40.0/24", "--gateway", "10.230.40.1",
                "--label", "dev.envctl.environment=" + name, network);

        Shell.Result r = s.envctl("create", name, "--provider", provider, "--subnet", "10.230.40.0/24");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("reusing Docker network " + network + " with subnet 10.230.40.0/24")
                .doesNotContain("created Docker network");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        Shell.Result doctor = s.envctl("doctor");
        assertThat(doctor.out()).contains("with 1 environment,");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,k3d-{n}", "kind,kind-{n}-net"})
    void aStartAfterTheNetworkWasRemovedWhileStoppedSaysSoAndDeleteThenCreateBringsItBack(String provider,
                                                                                         String pattern, Sandbox s) {
        String name = s.name("g");
        String network = pattern.replace("{n}", name);
        assertThat(s.envctl("create", name, "--provider", provider, "--subnet", "10.230.46.0/24").exit()).isZero();
        assertThat(s.envctl("stop", name).exit()).isZero();
        s.lines("docker", "network", "rm", network);

        Shell.Result started = s.envctl("start", name);

        assertThat(started.exit()).as(started.toString()).isEqualTo(6);
        assertThat(started.err()).contains("its Docker network " + network + " is gone (removed while the cluster "
                + "was stopped), and Docker cannot start containers whose network was removed: delete the "
                + "environment and create it again");
        assertThat(s.envctl("delete", name).exit()).isZero();
        Shell.Result again = s.envctl("create", name, "--provider", provider, "--subnet", "10.230.46.0/24");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,k3d-{n}", "kind,kind-{n}-net"})
    void deleteLeavesANetworkOfTheEnvironmentsNameThatEnvctlDidNotMake(String provider, String pattern, Sandbox s) {
        String name = s.name("f");
        String network = pattern.replace("{n}", name);
        s.lines("docker", "network", "create", "--subnet", "10.230.42.0/24", "--gateway", "10.230.42.1", network);
        Shell.Result refused = s.envctl("create", name, "--provider", provider, "--subnet", "10.230.43.0/24");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);

        Shell.Result deleted = s.envctl("delete", name);

        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.err()).contains("leaving Docker network " + network + " alone");
        assertThat(s.lines("docker", "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
                network)).containsExactly("10.230.42.0/24");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,k3d-{n}", "kind,kind-{n}-net"})
    void deleteAndItsDryRunLeaveANetworkOfTheSubnetWithoutAGatewayThatTheCreateRefused(String provider,
                                                                                       String pattern, Sandbox s) {
        String name = s.name("n");
        String network = pattern.replace("{n}", name);
        s.lines("docker", "network", "create", "--subnet", "10.230.44.0/24", network);
        org.junit.jupiter.api.Assumptions.assumeTrue(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network).isEmpty(),
                "this Docker gives every network a gateway (Docker 20.10 does not)");
        Shell.Result refused = s.envctl("create", name, "--provider", provider, "--subnet", "10.230.44.0/24");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(6);
        assertThat(refused.err()).contains("(no gateway)");

        Shell.Result planned = s.envctl("delete", name, "--dry-run");
        Shell.Result deleted = s.envctl("delete", name);

        assertThat(planned.exit()).as(planned.toString()).isZero();
        assertThat(planned.out()).contains("delete").doesNotContain("network rm");
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.err()).contains("leaving Docker network " + network + " alone");
        assertThat(s.lines("docker", "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
                network)).containsExactly("10.230.44.0/24");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void anAutomaticSubnetSkipsTheBlockOfANetworkThisHostHas(String provider, Sandbox s) {
        String block = s.name("block");
        s.lines("docker", "network", "create", "--subnet", "10.230.0.0/24", "--gateway", "10.230.0.1", block);
        String name = s.name("a");

        Shell.Result r = s.envctl("create", name, "--provider", provider, "--subnet", "auto");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(s.get(name).get("subnet").asText()).isEqualTo("10.230.1.0/24");
        assertThat(s.get(name).get("actualState").asText()).isEqualTo("running");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d,k3d-{n}", "kind,kind-{n}-net"})
    void aNetworkAnOlderEnvctlMadeWithoutAGatewayIsMadeAgainWithOne(String provider, String pattern, Sandbox s) {
        String name = s.name("g");
        String network = pattern.replace("{n}", name);
        s.lines("docker", "network", "create", "--subnet", "10.230.41.0/24", "--label",
                "dev.envctl.environment=" + name, network);
        org.junit.jupiter.api.Assumptions.assumeTrue(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network).isEmpty(),
                "this Docker gives every network a gateway (Docker 20.10 does not)");

        Shell.Result r = s.envctl("create", name, "--provider", provider, "--subnet", "10.230.41.0/24");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(s.lines("docker", "network", "inspect", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", network))
                .containsExactly("10.230.41.0/24 10.230.41.1");
        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }
}
