package dev.envctl.cli.embedding;

import dev.envctl.core.ActualState;
import dev.envctl.core.Environment;
import dev.envctl.core.testing.StandInTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snippets of docs/embedding.md and README.md run against the real CSV store and the real k3d provider (with
 * core's stand-in tools on PATH); DocSnippetsTest checks that the pages quote them exactly.
 */
class EmbeddingDocTest {
    @TempDir
    Path tmp;

    private Map<String, String> environment() throws IOException {
        Path bin = StandInTools.install(tmp.resolve("bin"), "k3d", "kind", "docker");
        return Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(),
                "ENVCTL_STUB_STATE", Files.createDirectories(tmp.resolve("state")).toString());
    }

    @Test
    void theStoreLocationSnippetCreatesListsStopsStartsAndDeletes() throws IOException {
        Path csv = tmp.resolve("environments.csv");

        List<Environment> listed = EmbedWithAStoreLocation.run(csv, environment());

        assertThat(listed).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("dev");
            assertThat(e.actualState()).isEqualTo(ActualState.RUNNING);
            assertThat(e.ports().http()).isNotNull();
        });
        assertThat(Files.readString(csv)).doesNotContain("dev,");
        assertThat(Files.readString(tmp.resolve("state/calls.log")))
                .contains("k3d\u001fcluster\u001fcreate\u001fdev").contains("k3d\u001fcluster\u001fstop\u001fdev")
                .contains("k3d\u001fcluster\u001fstart\u001fdev").contains("k3d\u001fcluster\u001fdelete\u001fdev");
    }

    @Test
    void theInstancesSnippetRecordsThenReconciles() throws IOException {
        Environment web = EmbedWithInstances.run(tmp.resolve("environments.csv"), environment());

        assertThat(web.actualState()).isEqualTo(ActualState.RUNNING);
        assertThat(web.ports().http()).isEqualTo(18500);
    }

    @Test
    void theDryRunSnippetShowsAllocationsAndCommandsAndChangesNothing() throws IOException {
        Path csv = tmp.resolve("environments.csv");

        List<String> printed = EmbedDryRun.run(csv, environment());

        assertThat(printed.get(0)).matches("dev would get http port \\d+");
        assertThat(printed).anySatisfy(l -> assertThat(l).matches("/\\S+/k3d cluster create dev .*"));
        assertThat(printed.subList(printed.size() - 2, printed.size())).containsExactly("CREATE dev", "CREATE web");
        // the only tool run is the listing a create makes before it records (a name an unmanaged cluster holds)
        assertThat(Files.readAllLines(tmp.resolve("state/calls.log"))).isNotEmpty()
                .allSatisfy(call -> assertThat(call).startsWith("k3d\u001fcluster\u001flist"));
        assertThat(csv).satisfiesAnyOf(f -> assertThat(f).doesNotExist(),
                f -> assertThat(Files.readString(f)).doesNotContain("dev,").doesNotContain("web,"));
    }

    @Test
    void theReadmeSnippetCreatesListsAndDeletes() throws IOException {
        List<Environment> listed = EmbedInBrief.run(tmp.resolve("environments.csv"), environment());

        assertThat(listed).extracting(Environment::name).containsExactly("dev");
        assertThat(Files.readString(tmp.resolve("state/calls.log"))).contains("k3d\u001fcluster\u001fdelete\u001fdev");
    }

    @Test
    void theLifecycleSnippetCreatesStopsStartsDeletesReconcilesAndWatches() throws IOException {
        LifecycleEngineExample example = new LifecycleEngineExample();

        example.run(tmp.resolve("environments.csv"), environment());

        assertThat(example.seen).containsExactly("dev RUNNING 10.100.0.0/24");
        assertThat(example.shown).hasSize(2).allSatisfy(r -> assertThat(r.ok()).isTrue());
        assertThat(Files.readString(tmp.resolve("state/calls.log"))).contains("k3d\u001fcluster\u001fstop\u001fdev")
                .contains("k3d\u001fcluster\u001fdelete\u001fdev");
    }

    @Test
    void theCsvAndK3dSnippetsOpenTheStoreAndCheckTheTools() throws IOException {
        assertThat(StoresFromJava.csv(tmp.resolve("environments.csv"))).isEmpty();
        assertThat(StoresFromJava.k3d()).extracting(c -> c.name()).contains("k3d", "docker");
    }

    /** The reference of docs/embedding.md names every public method of {@code Envctl} and of its builder. */
    @Test
    void theReferenceNamesEveryPublicMethod() throws IOException {
        String doc = Files.readString(Path.of("../docs/embedding.md"));
        String reference = doc.substring(doc.indexOf("## Reference"), doc.indexOf("## Limits"));
        for (Class<?> type : List.of(dev.envctl.core.Envctl.class, dev.envctl.core.Envctl.Builder.class)) {
            java.util.Arrays.stream(type.getDeclaredMethods())
                    .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()) && !m.isSynthetic())
                    .map(java.lang.reflect.Method::getName).distinct()
                    .forEach(name -> assertThat(reference).as(type.getSimpleName() + "." + name)
                            .containsPattern("`(?:[A-Za-z]+\\.)?" + name + "\\b"));
        }
    }
}
