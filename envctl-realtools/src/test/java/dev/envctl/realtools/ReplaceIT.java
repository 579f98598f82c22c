package dev.envctl.realtools;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code diff} and {@code apply --replace} with the real tools: a k3d environment whose file now asks for kind and
 * another http port is refused without {@code --replace}, then replaced under the same name; its k3d image option
 * is not kept for kind, whose node runs kind's image.
 */
@ExtendWith(RealToolsExtension.class)
class ReplaceIT {

    @Test
    void aProviderAndPortChangeIsRefusedThenReplacedUnderTheSameName(Sandbox s) throws Exception {
        String name = s.name("repl");
        Shell.Result created = s.envctl("create", name, "--provider", "k3d", "--image", s.machine.k3dImage);
        assertThat(created.exit()).as(created.toString()).isZero();
        int http = s.get(name).get("ports").get("http").asInt();
        int moved = http + 1000;
        Path file = s.dir.resolve("envs.yaml");
        Sandbox.write(file, "- name: " + name + "\n  provider: kind\n  ports: {http: " + moved + "}\n");

        Shell.Result diff = s.envctl("diff", "-f", file.toString());
        assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
        assertThat(diff.out()).contains("~ " + name + "  provider k3d -> kind, http " + http + " -> " + moved
                + ", option image: " + s.machine.k3dImage + " -> (none)  (replace)");
        Shell.Result refused = s.envctl("apply", "-f", file.toString());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
        assertThat(s.lines("k3d", "cluster", "list", "--no-headers")).anyMatch(l -> l.startsWith(name + " "));

        Shell.Result replaced = s.envctl("apply", "-f", file.toString(), "--replace", "-o", "json");

        assertThat(replaced.exit()).as(replaced.toString()).isZero();
        assertThat(replaced.out()).contains("\"replaced\"");
        JsonNode e = s.get(name);
        assertThat(e.get("provider").asText()).isEqualTo("kind");
        assertThat(e.get("ports").get("http").asInt()).isEqualTo(moved);
        assertThat(e.get("actualState").asText()).isEqualTo("running");
        assertThat(e.get("options")).as("k3d's image is not kept for kind").hasToString("{}");
        assertThat(s.lines("k3d", "cluster", "list", "--no-headers")).noneMatch(l -> l.startsWith(name + " "));
        assertThat(s.lines("kind", "get", "clusters")).contains(name);
        assertThat(s.lines("docker", "port", name + "-control-plane")).anyMatch(l -> l.endsWith(":" + moved));
        assertThat(s.lines("docker", "inspect", "-f", "{{.Config.Image}}", name + "-control-plane"))
                .containsExactly(s.machine.kindImage);
        Shell.Result same = s.envctl("diff", "-f", file.toString());
        assertThat(same.exit()).as(same.toString()).isZero();

        assertThat(s.envctl("delete", name).exit()).isZero();
        assertThat(s.leftovers(name)).isEmpty();
    }
}
