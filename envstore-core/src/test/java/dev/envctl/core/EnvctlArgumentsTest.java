package dev.envctl.core;

import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link Envctl} says about a caller's mistakes, and that a dry run fails as the real call would. */
class EnvctlArgumentsTest {
    private final InMemoryEnvironmentStore store = new InMemoryEnvironmentStore();
    private final Envctl envctl = Envctl.builder().store(store).provider("k3d", new ScriptedClusterProvider("k3d"))
            .environment(Map.of()).build();

    @Test
    void aNullArgumentIsAProgrammersErrorNamingTheParameter() {
        assertThatThrownBy(() -> envctl.get(null)).isExactlyInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> envctl.create(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("spec");
        assertThatThrownBy(() -> envctl.dryRunDelete(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("name");
    }

    /** The host methods name their parameter too, before any store (whose own null handling varies) is asked. */
    @Test
    void aNullHostOrHostNameIsAProgrammersErrorNamingTheParameter() {
        assertThatThrownBy(() -> envctl.addHost(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("host");
        assertThatThrownBy(() -> envctl.removeHost(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("name");
    }

    /** The builder's maps too: a null map, or a null key or value in one, names the parameter, as the page says. */
    @Test
    void aNullMapGivenToTheBuilderIsAProgrammersErrorNamingTheParameter() {
        Envctl.Builder builder = Envctl.builder();
        Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("PATH", null);

        assertThatThrownBy(() -> builder.store("csv:/tmp/x.csv", null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("settings");
        assertThatThrownBy(() -> builder.hook("exec", null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("settings");
        assertThatThrownBy(() -> builder.providerSettings("k3d", null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("settings");
        assertThatThrownBy(() -> builder.hook("exec", nullValue)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("settings holds null");
        assertThatThrownBy(() -> builder.environment(nullValue)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("environment holds null");
    }

    @Test
    void aNullInsideAListIsNamedToo() {
        List<EnvironmentSpec> specs = java.util.Arrays.asList(EnvironmentSpec.of("a", "k3d"), null);
        List<String> names = java.util.Arrays.asList("a", null);

        assertThatThrownBy(() -> envctl.dryRunCreate(specs)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("specs holds null");
        assertThatThrownBy(() -> envctl.apply(specs, false)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("desired holds null");
        assertThatThrownBy(() -> envctl.plan(specs, false)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("desired holds null");
        assertThatThrownBy(() -> envctl.reconcile(names)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("names holds null");
        assertThatThrownBy(() -> envctl.provider(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("id");
        assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
    }

    /** No environment can have such a name, so it is the caller's mistake, not "no such environment". */
    @Test
    void aNameNoEnvironmentCanHaveIsInvalidInputForEveryMethodTakingOne() {
        store.create(EnvironmentSpec.of("dev", "k3d"), envctl.allocator());

        for (Runnable call : List.<Runnable>of(() -> envctl.get("Dev"), () -> envctl.find("Dev"),
                () -> envctl.delete("Dev"), () -> envctl.forget("Dev"), () -> envctl.dryRunDelete("Dev"),
                () -> envctl.stop("Dev"), () -> envctl.start("Dev"))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("environment name 'Dev' is invalid; allowed: lowercase a-z, 0-9 and '-', starting "
                            + "and ending with a letter or digit");
        }
        assertThat(store.list(EnvironmentFilter.ALL)).extracting(Environment::name).containsExactly("dev");
    }

    /**
     * reconcile takes names too: "Dev" is the caller's mistake (INVALID_INPUT), not "no such environment"
     * (NOT_FOUND, the CLI's exit code 3 that scripts test for), and no provider is asked.
     */
    @Test
    void aNameNoEnvironmentCanHaveIsInvalidInputForReconcileToo() {
        ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
        Envctl withK3d = Envctl.builder().store(store).provider("k3d", k3d).environment(Map.of()).build();
        store.create(EnvironmentSpec.of("dev", "k3d"), withK3d.allocator());

        for (Runnable call : List.<Runnable>of(() -> withK3d.reconcile(List.of("Dev")),
                () -> withK3d.reconcile(List.of("dev", "Dev"), dev.envctl.core.spi.ProgressListener.NONE))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("environment name 'Dev' is invalid; allowed: lowercase a-z, 0-9 and '-', starting "
                            + "and ending with a letter or digit");
        }
        assertThat(k3d.calls()).isEmpty();
        assertThat(store.get("dev").actualState()).isEqualTo(ActualState.UNKNOWN);
    }

    /**
     * The engine the facade hands out ({@code engine().watch(...)}) checks names by the facade's rule: a name no
     * environment can have is the caller's mistake (INVALID_INPUT), not "no such environment" (NOT_FOUND), and
     * nothing is asked of the provider or changed.
     */
    @Test
    void aNameNoEnvironmentCanHaveIsInvalidInputForTheEnginesMethodsToo() {
        ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
        Envctl withK3d = Envctl.builder().store(store).provider("k3d", k3d).environment(Map.of()).build();
        store.create(EnvironmentSpec.of("dev", "k3d"), withK3d.allocator());
        dev.envctl.core.lifecycle.LifecycleEngine engine = withK3d.engine();
        dev.envctl.core.spi.ProgressListener none = dev.envctl.core.spi.ProgressListener.NONE;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean(true);

        for (Runnable call : List.<Runnable>of(() -> withK3d.get("Bad Name!"),
                () -> engine.watch(List.of("dev", "Bad Name!"), java.time.Duration.ofSeconds(1), stop, none, r -> { }),
                () -> engine.reconcile(List.of("Bad Name!"), none), () -> engine.stop("Bad Name!", none),
                () -> engine.start("Bad Name!", none), () -> engine.delete("Bad Name!", false, none),
                () -> engine.stop(List.of("dev", "Bad Name!"), none), () -> engine.start(List.of("Bad Name!"), none),
                () -> engine.delete(List.of("dev", "Bad Name!"), false, none))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("environment name 'Bad Name!' is invalid; allowed: lowercase a-z, 0-9 and '-', "
                            + "starting and ending with a letter or digit");
        }
        assertThat(k3d.calls()).isEmpty();
        assertThat(store.get("dev").actualState()).isEqualTo(ActualState.UNKNOWN);
        assertThat(store.get("dev").desiredState()).isEqualTo(DesiredState.PRESENT);
    }

    /** A null name, or a list holding one, names the parameter in the engine as in the facade. */
    @Test
    void aNullNameIsAProgrammersErrorNamingTheParameterInTheEngineToo() {
        dev.envctl.core.lifecycle.LifecycleEngine engine = envctl.engine();
        dev.envctl.core.spi.ProgressListener none = dev.envctl.core.spi.ProgressListener.NONE;
        List<String> names = java.util.Arrays.asList("a", null);

        assertThatThrownBy(() -> engine.stop((String) null, none)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("name");
        assertThatThrownBy(() -> engine.delete((String) null, false, none))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> engine.stop(names, none)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("names holds null");
        assertThatThrownBy(() -> engine.reconcile(names, none)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("names holds null");
    }

    /**
     * The engine's methods taking a spec or a list of them name a null parameter as the facade's do (they threw a
     * NullPointerException from inside, saying nothing of which argument), and change nothing.
     */
    @Test
    void aNullSpecOrListIsAProgrammersErrorNamingTheParameterInTheEngineToo() {
        dev.envctl.core.lifecycle.LifecycleEngine engine = envctl.engine();
        dev.envctl.core.spi.ProgressListener none = dev.envctl.core.spi.ProgressListener.NONE;
        List<EnvironmentSpec> specs = java.util.Arrays.asList(EnvironmentSpec.of("a", "k3d"), null);

        assertThatThrownBy(() -> engine.create(null, none)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("spec");
        assertThatThrownBy(() -> engine.record(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("spec");
        assertThatThrownBy(() -> engine.requireValidRequest(null)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("spec");
        assertThatThrownBy(() -> engine.plan(null, false)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("desired");
        assertThatThrownBy(() -> engine.plan(specs, false)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("desired holds null");
        assertThatThrownBy(() -> engine.apply((List<EnvironmentSpec>) null, false, none)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("desired");
        assertThatThrownBy(() -> engine.apply(specs, false, true, none)).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("desired holds null");
        assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
    }

    /**
     * A null progress listener is a programmer's error like any null argument: a NullPointerException naming it,
     * thrown before anything is recorded. (It was taken, and the first step it was told of threw from the middle of
     * the change, after the desired state was written.)
     */
    @Test
    void aNullProgressListenerIsAProgrammersErrorNamingTheParameterAndChangesNothing() {
        ScriptedClusterProvider k3d = new ScriptedClusterProvider("k3d");
        Envctl withK3d = Envctl.builder().store(store).provider("k3d", k3d).environment(Map.of()).build();
        withK3d.create(EnvironmentSpec.of("dev", "k3d"));
        List<Environment> before = store.list(EnvironmentFilter.ALL);
        int calls = k3d.calls().size();

        for (Runnable call : List.<Runnable>of(() -> withK3d.create(EnvironmentSpec.of("web", "k3d"), null),
                () -> withK3d.stop("dev", null), () -> withK3d.start("dev", null),
                () -> withK3d.stop(List.of("dev"), null), () -> withK3d.start(List.of("dev"), null),
                () -> withK3d.delete("dev", false, null), () -> withK3d.delete(List.of("dev"), false, null),
                () -> withK3d.reconcile(List.of("dev"), null),
                () -> withK3d.apply(List.of(EnvironmentSpec.of("web", "k3d")), false, false, null),
                () -> withK3d.engine().watch(java.time.Duration.ofSeconds(1),
                        new java.util.concurrent.atomic.AtomicBoolean(true), null, r -> { }))) {
            assertThatThrownBy(call::run).isExactlyInstanceOf(NullPointerException.class).hasMessage("progress");
        }
        assertThat(store.list(EnvironmentFilter.ALL)).isEqualTo(before);
        assertThat(k3d.calls()).hasSize(calls);
    }

    /**
     * An id no provider can have is refused saying what an id is, on one line: it was pasted as given into "unknown
     * provider '...'", line breaks and all.
     */
    @Test
    void aProviderIdNoProviderCanHaveIsInvalidInputOnOneLine() {
        for (String bad : List.of("k3d\nkind", "Bad Name!", "")) {
            for (Runnable call : List.<Runnable>of(() -> envctl.provider(bad), () -> envctl.provider(bad, "local"))) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n").contains("a provider id is lowercase letters, "
                            + "digits and '-', such as k3d or kind");
                });
            }
        }
        assertThatThrownBy(() -> envctl.provider("kind")).hasMessage("unknown provider 'kind'; known: k3d");
    }

    /**
     * A watch interval under 1ms is refused before the store is read, as the CLI's --interval is, in its words: zero
     * was "watch interval PT0S must be positive" (after a name's NOT_FOUND), and a nanosecond was taken, rounds
     * without a pause, each listing every provider.
     */
    @Test
    void aWatchIntervalUnderAMillisecondIsInvalidInputBeforeTheStoreIsRead() {
        dev.envctl.core.lifecycle.LifecycleEngine engine = envctl.engine();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();

        assertThatThrownBy(() -> engine.watch(List.of("nosuch"), java.time.Duration.ZERO, stop,
                dev.envctl.core.spi.ProgressListener.NONE, r -> stop.set(true)))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("watch interval '0s' is not a positive duration; write it like 500ms, 60s, 5m or 1h");
        assertThatThrownBy(() -> engine.watch(java.time.Duration.ofNanos(1), stop,
                dev.envctl.core.spi.ProgressListener.NONE, r -> stop.set(true)))
                .isInstanceOfSatisfying(EnvctlException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("watch interval 'PT0.000000001S' is too short; at least 1ms");
    }

    /** Records name their provider by id, so an instance given under another id would be found under a wrong one. */
    @Test
    void aProviderInstanceGivenUnderAnotherIdIsRefused() {
        Envctl.Builder builder = Envctl.builder().store(store).environment(Map.of());

        assertThatThrownBy(() -> builder.provider("kind", new ScriptedClusterProvider("k3d")))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("provider 'kind' was given an instance of provider 'k3d'; give each instance under its "
                        + "own id");
    }

    @Test
    void aStoreSupplierThatReturnsNullIsNamed() {
        Supplier<EnvironmentStore> none = () -> null;
        Envctl lazy = Envctl.builder().store(none).environment(Map.of()).build();

        assertThatThrownBy(lazy::list).isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("the store supplier given to the builder returned null");
    }

    @Test
    void aDryRunDeleteOfARecordWhoseProviderIsNotInstalledFailsAsTheDeleteDoes() {
        store.create(EnvironmentSpec.of("old", "gone"), envctl.allocator());

        assertThatThrownBy(() -> envctl.delete("old")).isInstanceOfSatisfying(EnvctlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED));
        assertThatThrownBy(() -> envctl.dryRunDelete("old")).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("'gone'");
    }

    /** envctl's own labels (a replacement's mark, keep-record) are its to write: a request cannot set them. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"envctl.replacing", "ENVCTL.KEEP-RECORD",
            "envctl.auto-ports"})
    void aRequestWithOneOfEnvctlsOwnLabelsIsInvalidInputAndNothingIsRecorded(String key) {
        EnvironmentSpec spec = EnvironmentSpec.of("rq", "k3d").withLabels(Map.of(key, "provider=k3d"));

        for (Runnable call : List.<Runnable>of(() -> envctl.create(spec), () -> envctl.record(spec),
                () -> envctl.dryRunCreate(List.of(spec)))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage("label '" + key + "' of environment 'rq' is envctl's own: keys starting with "
                            + "'envctl.' are reserved; choose another key");
        }
        assertThat(store.list(EnvironmentFilter.ALL)).isEmpty();
    }
}
