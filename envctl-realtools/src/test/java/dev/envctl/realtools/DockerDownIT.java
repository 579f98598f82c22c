package dev.envctl.realtools;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ProgressListener;
import dev.envctl.provider.k3d.K3dProviderFactory;
import dev.envctl.provider.kind.KindProviderFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A provider whose Docker daemon does not answer fails its delete, so nothing takes the cluster for gone: k3d
 * v5.7.4's own delete exits 0 then ("No clusters found"), and the image volume's removal after it is what fails;
 * kind's delete fails itself. List fails too. Nothing is made: the daemon is a socket that does not exist.
 */
@ExtendWith(RealToolsExtension.class)
class DockerDownIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"k3d", "kind"})
    void aDeleteAndAListWhoseDockerDoesNotAnswerFail(String providerId, Sandbox s) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(s.env);
        String socket = "unix://" + s.dir.resolve("no-docker.sock");
        environment.put("DOCKER_HOST", socket);
        ClusterProvider provider = providerId.equals("k3d")
                ? new K3dProviderFactory().create(Map.of("timeout", "60s"), environment)
                : new KindProviderFactory().create(Map.of("timeout", "60s"), environment);
        Environment env = new Environment(s.name("down"), providerId, null, new HostPorts(28190, 28590, 29190, 27590),
                30080, Map.of(), Map.of(), DesiredState.ABSENT, ActualState.RUNNING, null, Instant.now(),
                Instant.now(), 1);

        assertThatThrownBy(() -> provider.delete(env, ProgressListener.NONE)).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("Cannot connect to the Docker daemon at " + socket)
                .satisfies(e -> assertThat(((EnvctlException) e).exitCode()).isEqualTo(6));
        assertThatThrownBy(provider::list).isInstanceOf(EnvctlException.class)
                .hasMessageContaining("Cannot connect to the Docker daemon at " + socket);
    }
}
