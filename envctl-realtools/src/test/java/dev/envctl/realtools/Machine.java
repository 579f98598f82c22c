package dev.envctl.realtools;

import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real Docker daemon, k3d and kind this suite runs against, found on {@code PATH}, and the node images the
 * clusters use: the real ones where a registry answers, else minimal local images built from
 * {@code src/test/resources/node-images} with {@code docker import} (tagged {@code envctl-fake/...}) and removed
 * when the suite ends. One per test run, shared through JUnit's root store.
 */
final class Machine implements ExtensionContext.Store.CloseableResource {
    static final String FAKE_TAG = "realtools";
    private static final String REAL_K3S = "rancher/k3s:v1.30.4-k3s1";
    private static final String REAL_KIND = "kindest/node:v1.31.0";
    private static final List<String> SHARED_NETWORKS = List.of("k3d-shared", "kind");

    final String path;
    final String k3dImage;
    final String kindImage;
    /** Variables k3d needs to find its helper images (empty with the real ones, which it pulls itself). */
    final Map<String, String> k3dVariables = new LinkedHashMap<>();
    private final boolean fake;
    /** The shared networks the providers make on first use ({@code k3d-shared}, {@code kind}) that were not here. */
    private final List<String> sharedNetworksToRemove;

    private Machine() {
        path = System.getenv("PATH");
        for (String tool : List.of("docker", "k3d", "kind")) {
            if (find(tool).isEmpty()) {
                throw new IllegalStateException("the real-tools suite needs " + tool + " on PATH (on these machines: "
                        + "PATH=\"$(../shared/tools/docker-up):$PATH\"); PATH is " + path);
            }
        }
        Shell.Result info = Shell.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), Map.of(),
                Duration.ofSeconds(30));
        if (info.exit() != 0) {
            throw new IllegalStateException("no Docker daemon answers: " + info.err());
        }
        sharedNetworksToRemove = SHARED_NETWORKS.stream().filter(n -> Shell.run(List.of("docker", "network",
                "inspect", n), Map.of(), Duration.ofSeconds(30)).exit() != 0).toList();
        fake = !pulled(REAL_K3S) || !pulled(REAL_KIND) || !pulled("ghcr.io/k3d-io/k3d-proxy:5.7.4")
                || !pulled("ghcr.io/k3d-io/k3d-tools:5.7.4");
        if (fake) {
            Path script = Path.of(System.getProperty("envctl.node-images", "src/test/resources/node-images"))
                    .resolve("build.sh");
            Shell.checked(List.of("sh", script.toString(), FAKE_TAG), Map.of(), Duration.ofMinutes(2));
            k3dImage = "envctl-fake/k3s:" + FAKE_TAG;
            kindImage = "envctl-fake/kind-node:" + FAKE_TAG;
            k3dVariables.put("K3D_IMAGE_LOADBALANCER", "envctl-fake/k3d-proxy:" + FAKE_TAG);
            k3dVariables.put("K3D_IMAGE_TOOLS", "envctl-fake/k3d-tools:" + FAKE_TAG);
        } else {
            k3dImage = REAL_K3S;
            kindImage = REAL_KIND;
        }
        System.err.println("real-tools suite: Docker " + info.out().strip() + ", "
                + Shell.checked(List.of("k3d", "version"), Map.of(), Duration.ofSeconds(30)).out().lines()
                .findFirst().orElse("k3d ?") + ", "
                + Shell.checked(List.of("kind", "version"), Map.of(), Duration.ofSeconds(30)).out().strip()
                + ", node images " + (fake ? "built locally (no registry answered)" : "from the registry"));
    }

    /** Whether the clusters use the local node images of {@code node-images/}, not the registry's. */
    boolean fakeImages() {
        return fake;
    }

    static Machine get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Machine.class, k -> new Machine(), Machine.class);
    }

    /** Whether {@code image} is here or could be pulled now; a registry that does not answer says no quickly. */
    private static boolean pulled(String image) {
        if (Shell.run(List.of("docker", "image", "inspect", image), Map.of(), Duration.ofSeconds(30)).exit() == 0) {
            return true;
        }
        return Shell.run(List.of("docker", "pull", image), Map.of(), Duration.ofMinutes(5)).exit() == 0;
    }

    private Optional<Path> find(String tool) {
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        for (String network : sharedNetworksToRemove) {
            Shell.run(List.of("docker", "network", "rm", network), Map.of(), Duration.ofSeconds(60));
        }
        if (fake) {
            for (String image : List.of("k3s", "k3d-proxy", "k3d-tools", "kind-node")) {
                Shell.run(List.of("docker", "rmi", "-f", "envctl-fake/" + image + ":" + FAKE_TAG), Map.of(),
                        Duration.ofSeconds(60));
            }
        }
    }
}
