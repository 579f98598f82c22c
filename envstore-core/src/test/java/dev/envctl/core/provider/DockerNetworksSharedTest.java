package dev.envctl.core.provider;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.spi.ProgressListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared network with a stand-in docker that behaves as Docker 20.10 does with names: a create checks the name,
 * then takes a moment to make the network, so creates at once make several networks of one name, and then an
 * inspect by that name is refused as ambiguous. The real-tools suite's SharedNetworkIT runs the same code against
 * the real Docker, in one process and in several.
 */
class DockerNetworksSharedTest {
    private static final String DOCKER = """
            #!/bin/bash
            # networks are files nets/ID holding "NAME CONTAINERS"; argv is appended to calls
            state=$(dirname "$0")
            echo "$*" >> "$state/calls"
            named() { grep -l "^$1 " "$state"/nets/* 2>/dev/null; }
            case "$1 $2" in
            "network inspect")
              if [ "$3" = --format ]; then
                shift 4
                rc=0
                for id in "$@"; do
                  if [ -e "$state/nets/$id" ]; then
                    read -r name count < "$state/nets/$id"; echo "$id $count"
                  else
                    echo "Error response from daemon: network $id not found" >&2; rc=1
                  fi
                done
                exit $rc
              fi
              n=$(named "$3" | wc -l)
              if [ "$n" = 0 ]; then echo "Error: No such network: $3" >&2; exit 1; fi
              if [ "$n" -gt 1 ]; then
                echo "Error response from daemon: $n matches found based on name: network $3 is ambiguous" >&2
                exit 1
              fi
              echo '[{}]' ;;
            "network create")
              if [ -n "$(named "$3")" ]; then
                echo "Error response from daemon: network with name $3 already exists" >&2; exit 1
              fi
              sleep 0.3
              id=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n')
              echo "$3 0" > "$state/nets/$id"; echo "$id" ;;
            "network ls")
              # ghosts: networks another process removed after this ls read them
              [ -e "$state/ghosts" ] && cat "$state/ghosts"
              for f in "$state"/nets/*; do
                [ -e "$f" ] && { read -r name count < "$f"; echo "${f##*/} $name"; }
              done ;;
            "network rm")
              [ -e "$state/nets/$3" ] || { echo "Error: No such network: $3" >&2; exit 1; }
              read -r name count < "$state/nets/$3"
              if [ "$count" != 0 ]; then
                echo "Error response from daemon: error while removing network: network $name id $3 has" \
                  "active endpoints" >&2
                exit 1
              fi
              rm "$state/nets/$3" ;;
            *) echo "unexpected: $*" >&2; exit 2 ;;
            esac
            """;

    @TempDir
    Path dir;
    Path docker;
    DockerNetworks networks;
    final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    final ProgressListener progress = new ProgressListener() {
        @Override
        public void step(String environment, String message) {
            steps.add(message);
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        docker = dir.resolve("docker");
        Files.writeString(docker, DOCKER);
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("nets"));
        // a Docker host of this class's own, so that its lock file is not a real daemon's
        networks = new DockerNetworks(new ToolRunner(Map.of("PATH", dir + ":/usr/bin:/bin", "DOCKER_HOST",
                "unix:///envctl-test/DockerNetworksSharedTest.sock")), Duration.ofSeconds(20));
    }

    /** Networks there before, each "ID NAME CONTAINERS". */
    private void given(String... networks) throws IOException {
        for (String n : networks) {
            String[] f = n.split(" ", 2);
            Files.writeString(dir.resolve("nets").resolve(f[0]), f[1] + "\n");
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("nets"))) {
            return files.map(f -> {
                try {
                    return f.getFileName() + " " + Files.readString(f).strip();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    private long calls(String prefix) throws IOException {
        return Files.readAllLines(dir.resolve("calls")).stream().filter(c -> c.startsWith(prefix)).count();
    }

    @Test
    void createsAtOnceInOneProcessMakeOneNetwork() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> creates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String environment = "e" + i;
            creates.add(pool.submit(() -> {
                go.await();
                networks.ensureShared(docker, "k3d-shared", environment, progress);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : creates) {
            f.get();
        }
        pool.shutdown();

        assertThat(names()).singleElement().asString().endsWith(" k3d-shared 0");
        assertThat(calls("network create")).isEqualTo(1);
        assertThat(steps).containsExactly("creating shared Docker network k3d-shared");
    }

    @Test
    void aLinkPlantedAtTheLockFilesNameIsNotFollowed() throws Exception {
        // the temporary folder is shared: another user may put a link where the lock file will be, to a file of yours
        // (or, were envctl run as root, to /etc/nologin), which opening the lock file would then create
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path target = dir.resolve("victim");
        String daemon = "unix:///envctl-test/DockerNetworksSharedTest.sock\nk3d-shared";
        Files.createSymbolicLink(tmp.resolve("envctl-docker-network-" + Integer.toHexString(daemon.hashCode())
                + ".lock"), target);
        String previous = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            networks.ensureShared(docker, "k3d-shared", "dev", progress);
        } finally {
            System.setProperty("java.io.tmpdir", previous);
        }

        assertThat(target).doesNotExist();
        assertThat(names()).singleElement().asString().endsWith(" k3d-shared 0");
    }

    /**
     * The lock file is in the shared temporary folder: another user may make it writable by all and hold its lock
     * for ever (or an envctl may hang holding it). A create waits for it at most the tools' timeout, then goes on
     * without it, as where the file cannot be opened.
     */
    @Test
    void aLockFileHeldForEverDelaysACreateByTheTimeoutAtMost() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String daemon = "unix:///envctl-test/DockerNetworksSharedTest.sock\nk3d-shared";
        Path lockFile = tmp.resolve("envctl-docker-network-" + Integer.toHexString(daemon.hashCode()) + ".lock");
        Process holder = dev.envctl.core.testing.ChildJvm.start(HoldFileLock.class, dir, lockFile.toString());
        DockerNetworks quick = new DockerNetworks(new ToolRunner(Map.of("PATH", dir + ":/usr/bin:/bin", "DOCKER_HOST",
                "unix:///envctl-test/DockerNetworksSharedTest.sock")), Duration.ofSeconds(2));
        String previous = System.getProperty("java.io.tmpdir");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("out.txt")).contains("locked") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(dir.resolve("out.txt"))).as("the holder locked the file").contains("locked");
            System.setProperty("java.io.tmpdir", tmp.toString());
            Future<?> create = pool.submit(() -> {
                quick.ensureShared(docker, "k3d-shared", "dev", progress);
                return null;
            });

            create.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            System.setProperty("java.io.tmpdir", previous);
            holder.destroy();
            holder.waitFor();
            pool.shutdown();
        }
        assertThat(names()).singleElement().asString().endsWith(" k3d-shared 0");
    }

    @Test
    void aNetworkThatIsThereIsNeitherCreatedNorLockedFor() throws Exception {
        given("b1 k3d-shared 3");

        networks.ensureShared(docker, "k3d-shared", "dev", progress);

        assertThat(Files.readAllLines(dir.resolve("calls"))).containsExactly("network inspect k3d-shared");
        assertThat(steps).isEmpty();
    }

    @Test
    void aSecondNetworkOfTheNameIsRemovedAndTheOneWithContainersKept() throws Exception {
        given("a1 k3d-shared 0", "b1 k3d-shared 2", "c1 k3d-shared-old 0");

        networks.ensureShared(docker, "k3d-shared", "dev", progress);

        assertThat(names()).containsExactly("b1 k3d-shared 2", "c1 k3d-shared-old 0");
        assertThat(calls("network create")).isZero();
        assertThat(steps).singleElement().asString().startsWith("removing Docker network k3d-shared a1: a second "
                + "network of that name");
    }

    @Test
    void ofNetworksWithoutContainersTheLowestIdIsKept() throws Exception {
        given("f2 k3d-shared 0", "a7 k3d-shared 0", "c3 k3d-shared 0");

        networks.ensureShared(docker, "k3d-shared", "dev", progress);

        assertThat(names()).containsExactly("a7 k3d-shared 0");
    }

    /** Another process removing them too: a network listed and gone by the inspect is not an error. */
    @Test
    void aNetworkRemovedMeanwhileIsPassedOver() throws Exception {
        given("f2 k3d-shared 0", "c3 k3d-shared 0");
        Files.writeString(dir.resolve("ghosts"), "a7 k3d-shared\n");

        networks.ensureShared(docker, "k3d-shared", "dev", progress);

        assertThat(names()).containsExactly("c3 k3d-shared 0");
        assertThat(calls("network rm")).isEqualTo(1);
    }

    @Test
    void twoNetworksOfTheNameWithContainersAreAnErrorNamingThemAndNothingIsRemoved() throws Exception {
        given("a1 k3d-shared 1", "b1 k3d-shared 2", "c1 k3d-shared 0");

        assertThatThrownBy(() -> networks.ensureShared(docker, "k3d-shared", "dev", progress))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessage("Docker has 3 networks named k3d-shared, and 2 of them have containers (a1, b1), so no "
                        + "tool can use the name; delete the clusters on all but one of them and remove those "
                        + "networks ('docker network rm ID'), or give the provider another network");
        assertThat(names()).hasSize(3);
    }
}
