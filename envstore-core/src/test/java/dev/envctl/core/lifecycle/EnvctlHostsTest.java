package dev.envctl.core.lifecycle;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The facade's hosts: passed through to the store, each with its providers, and {@code list} by host. */
class EnvctlHostsTest {
    private final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    private final PerHostFactory factory = new PerHostFactory();
    private final Envctl envctl = Envctl.builder().store(store)
            .plugins(PluginRegistry.of(List.of(), List.of(factory), List.of()))
            .environment(Map.of("PATH", "/usr/bin")).build();
    private final Host two = new Host("two", "tcp://two.example:2375", "192.168.1.20", Map.of(), null);

    @Test
    void hostsAreAddedListedAndRemovedInTheStore() {
        assertThat(envctl.hosts()).containsExactly(Host.LOCAL);

        assertThat(envctl.addHost(two)).isEqualTo(two);

        assertThat(envctl.hosts()).containsExactly(Host.LOCAL, two);
        assertThat(store.hosts()).containsExactly(Host.LOCAL, two);
        assertThat(envctl.host("two")).isEqualTo(two);
        assertThat(envctl.removeHost("two")).isTrue();
        assertThat(envctl.hosts()).containsExactly(Host.LOCAL);
    }

    /**
     * A name no host can have is the caller's mistake for every host method alike: {@code removeHost} returned
     * false ("there was none") where {@code host} threw INVALID_INPUT. A valid name of no host is still false.
     */
    @Test
    void aNameNoHostCanHaveIsInvalidInputForEveryHostMethod() {
        envctl.addHost(two);

        for (String bad : List.of("Bad Name!", "", "auto")) {
            for (Runnable call : List.<Runnable>of(() -> envctl.host(bad), () -> envctl.removeHost(bad),
                    () -> envctl.providers(bad))) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT)).hasMessageStartingWith(
                        "host name " + (bad.isEmpty() ? "is empty" : "'" + bad + "' is"));
            }
        }
        assertThat(envctl.removeHost("nosuch")).isFalse();
        assertThat(store.hosts()).containsExactly(Host.LOCAL, two);
    }

    @Test
    void aHostWhoseAddressIsNotAnIpAddressIsRefusedAndNothingIsAdded() {
        for (String notAnIp : List.of("gpu1.example.com", "999.1.1.1", "10.0.0.1:80")) {
            Host named = new Host("named", "tcp://two.example:2375", notAnIp, Map.of(), null);

            assertThatThrownBy(() -> envctl.addHost(named))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("address '" + notAnIp + "' of host 'named' is not an IP address")
                    .hasMessageNotContaining("--");
        }
        for (String every : List.of("0.0.0.0", "::")) {
            assertThatThrownBy(() -> envctl.addHost(new Host("every", "tcp://two.example:2375", every, Map.of(), null)))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("address '" + every + "' of host 'every' means every address of a machine, "
                            + "none that clients reach it at");
        }
        // no one machine is reached at a multicast or the broadcast address: k3d and kind could not bind the API to it
        for (String group : List.of("224.0.0.1", "239.255.255.250", "ff02::1", "::ffff:224.0.0.251")) {
            assertThatThrownBy(() -> envctl.addHost(new Host("group", "tcp://two.example:2375", group, Map.of(), null)))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("address '" + group + "' of host 'group' is a multicast address (224.0.0.0/4, "
                            + "ff00::/8), a group of machines, none that clients reach one at; allowed: an IPv4 or IPv6 "
                            + "address of that machine, such as 192.168.1.20");
        }
        assertThatThrownBy(() -> envctl.addHost(new Host("all", "tcp://two.example:2375", "255.255.255.255", Map.of(),
                null)))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("address '255.255.255.255' of host 'all' is the broadcast address, every machine of a "
                        + "network, none that clients reach one at; allowed: an IPv4 or IPv6 address of that machine, "
                        + "such as 192.168.1.20");
        assertThat(store.hosts()).containsExactly(Host.LOCAL);

        // loopback is an address of that machine (a second daemon of this one, as fleet.md allows): taken
        for (String v6 : List.of("fd00::20", "::1", "127.0.0.1", "10.255.255.255")) {
            Host six = new Host("six", "tcp://two.example:2375", v6, Map.of(), null);
            assertThat(envctl.addHost(six)).isEqualTo(six);
            envctl.removeHost("six");
        }
        // a store still reads a host added before the check (or by another writer): only adding checks
        Host old = new Host("old", "tcp://old.example:2375", "old.example", Map.of(), null);
        store.addHost(old);
        assertThat(envctl.host("old")).isEqualTo(old);
    }

    @Test
    void anEndpointWithWhatDockerRefusesOrAnEnvctlLabelIsRefusedAndNothingIsAdded() {
        for (String bad : List.of("tcp://x:2375/path?q=1", "tcp://x:2375/", "tcp://x?q=1", "ssh://me@x#f",
                "ssh://x?q=1")) {
            Host host = new Host("three", bad, null, Map.of(), null);

            assertThatThrownBy(() -> envctl.addHost(host))
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageContaining("Docker endpoint '" + bad + "' of host 'three' is invalid; allowed: "
                            + "unix://PATH, tcp://HOST[:PORT], ssh://[USER@]HOST[:PORT][/SOCKET]");
        }
        Host own = new Host("three", "tcp://x:2375", null, Map.of("envctl.keep-record", "true"), null);
        assertThatThrownBy(() -> envctl.addHost(own))
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("label 'envctl.keep-record' of host 'three' is envctl's own: keys starting with "
                        + "'envctl.' are reserved; choose another key");
        assertThat(store.hosts()).containsExactly(Host.LOCAL);

        // what Docker takes: ssh without a user (ssh's own default) and with the remote socket's path
        for (String ok : List.of("ssh://three", "ssh://me@three:2222/run/user/1000/docker.sock", "tcp://x",
                "unix:///var/run/docker.sock", "context:lab")) {
            assertThat(envctl.addHost(new Host("three", ok, null, Map.of(), null)).docker()).isEqualTo(ok);
            envctl.removeHost("three");
        }
    }

    @Test
    void eachHostHasItsOwnProvidersForDoctor() {
        envctl.addHost(two);

        assertThat(envctl.providers("local")).isEqualTo(envctl.providers());
        assertThat(envctl.providers("two")).containsOnlyKeys("k3d");
        assertThat(envctl.provider("k3d", "two")).isSameAs(factory.on("tcp://two.example:2375"))
                .isNotSameAs(envctl.provider("k3d"));
        assertThat(factory.environments.get(1)).containsEntry("DOCKER_HOST", "tcp://two.example:2375");
        assertThatThrownBy(() -> envctl.providers("nowhere"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).isEqualTo("host 'nowhere' is unknown; known: local, two");
                });
    }

    @Test
    void aDryRunOnAnotherHostShowsTheDockerEndpointItsCommandsRunWith() {
        envctl.addHost(two);
        Host lab = new Host("lab", "context:lab", null, Map.of(), null);
        envctl.addHost(lab);

        assertThat(envctl.dryRunCreate(List.of(Fixture.spec("a"))).get(0).commands())
                .allSatisfy(c -> assertThat(c.environment()).doesNotContainKeys("DOCKER_HOST", "DOCKER_CONTEXT"));
        assertThat(envctl.dryRunCreate(List.of(Fixture.spec("b").withHost(HostRequest.of("two")))).get(0).commands())
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.environment()).containsEntry("DOCKER_HOST", "tcp://two.example:2375"));
        envctl.create(Fixture.spec("c").withHost(HostRequest.of("lab")));
        assertThat(envctl.dryRunDelete("c").commands()).isNotEmpty().allSatisfy(c -> assertThat(c.environment())
                .containsEntry("DOCKER_CONTEXT", "lab").containsEntry("DOCKER_HOST", ""));
    }

    @Test
    void listFiltersByHost() {
        envctl.addHost(two);
        envctl.create(Fixture.spec("a"));
        envctl.create(Fixture.spec("b").withHost(HostRequest.of("two")));

        assertThat(envctl.list(EnvironmentFilter.ALL.withHost("two"))).extracting(Environment::name)
                .containsExactly("b");
        assertThat(envctl.list(EnvironmentFilter.ALL.withHost("local"))).extracting(Environment::name)
                .containsExactly("a");
        assertThat(envctl.list()).hasSize(2);
    }

    @Test
    void settingsForAProviderThatIsNotThereOrAKeyItDoesNotKnowAreRefusedByBuild() {
        PluginRegistry plugins = PluginRegistry.of(List.of(), List.of(factory), List.of());

        assertThatThrownBy(() -> Envctl.builder().store(store).plugins(plugins)
                .providerSettings("k3dd", Map.of("timeout", "1m")).build())
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("unknown provider 'k3dd'; known: k3d");
        assertThatThrownBy(() -> Envctl.builder().store(store).plugins(plugins)
                .providerSettings("k3d", Map.of("nope", "1")).build())
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("unknown setting 'nope' for provider k3d");
        assertThat(factory.settings).as("no provider made").isEmpty();
    }

    @Test
    void settingsGivenWithProviderInstancesAreRefusedByBuildInsteadOfIgnored() {
        PluginRegistry plugins = PluginRegistry.of(List.of(), List.of(factory), List.of());

        assertThatThrownBy(() -> Envctl.builder().store(store).plugins(plugins)
                .provider("k3d", new ScriptedClusterProvider("k3d"))
                .providerSettings("k3d", Map.of("timeout", "1m")).build())
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("provider settings (for k3d) were given with provider instances (k3d), which replace every "
                        + "provider the plugins would make, so they would have no effect; configure the instances "
                        + "themselves, or give the settings without instances");
        assertThat(factory.settings).as("no provider made").isEmpty();
    }

    @Test
    void providersGivenAsInstancesCannotServeAnotherHost() {
        Envctl given = Envctl.builder().store(store).provider("k3d", new ScriptedClusterProvider("k3d")).build();
        given.addHost(two);

        assertThatThrownBy(() -> given.providers("two"))
                .isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED);
                    assertThat(e.getMessage()).contains("cannot act on host 'two'");
                });
    }
}
