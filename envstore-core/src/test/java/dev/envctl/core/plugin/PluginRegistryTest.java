package dev.envctl.core.plugin;

import dev.envctl.core.Envctl;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Host;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.ClusterProviderFactory;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.LifecycleHook;
import dev.envctl.core.spi.LifecycleHookFactory;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import dev.envctl.core.testing.ScriptedClusterProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginRegistryTest {

    /** A store factory for {@code mem:} locations, with one setting key. */
    public static class MemoryStoreFactory implements EnvironmentStoreFactory {
        @Override
        public String id() {
            return "mem";
        }

        @Override
        public String locationSyntax() {
            return "mem:NAME";
        }

        @Override
        public boolean accepts(String location) {
            return location.startsWith("mem:");
        }

        @Override
        public Set<String> settingKeys() {
            return Set.of("mem.size");
        }

        @Override
        public EnvironmentStore open(String location, Map<String, String> settings) {
            return new InMemoryEnvironmentStore();
        }
    }

    /** A second factory claiming the same id. */
    public static class OtherMemoryStoreFactory extends MemoryStoreFactory {
    }

    public static class NoProviderFactory implements ClusterProviderFactory {
        @Override
        public String id() {
            return "none";
        }

        @Override
        public ClusterProvider create(Map<String, String> settings) {
            throw new UnsupportedOperationException("not needed by these tests");
        }
    }

    /** A provider factory whose {@code id()} needs a class its jar left out. */
    public static class MissingClassProviderFactory extends NoProviderFactory {
        @Override
        public String id() {
            throw new NoClassDefFoundError("dep/Dep");
        }
    }

    /** A provider factory with a bug: it cannot create its provider. */
    public static class FailingProviderFactory extends NoProviderFactory {
        @Override
        public String id() {
            return "failing";
        }

        @Override
        public ClusterProvider create(Map<String, String> settings) {
            throw new IllegalStateException("boom");
        }
    }

    public static class WorkingProviderFactory extends NoProviderFactory {
        @Override
        public String id() {
            return "working";
        }

        @Override
        public ClusterProvider create(Map<String, String> settings) {
            return new ScriptedClusterProvider("working");
        }
    }

    /** A provider factory with a bug: no id. */
    public static class NullIdProviderFactory extends WorkingProviderFactory {
        @Override
        public String id() {
            return null;
        }
    }

    /** A provider factory with a bug: it makes no provider. */
    public static class NullProviderFactory extends NoProviderFactory {
        @Override
        public String id() {
            return "nullprov";
        }

        @Override
        public ClusterProvider create(Map<String, String> settings) {
            return null;
        }
    }

    /** A provider factory with a bug: it cannot say which settings it takes. */
    public static class FailingKeysProviderFactory extends WorkingProviderFactory {
        @Override
        public String id() {
            return "nokeys";
        }

        @Override
        public Set<String> settingKeys() {
            throw new IllegalStateException("settingKeys is broken");
        }
    }

    /** A store factory with a bug: it cannot tell which locations it opens. */
    public static class FailingAcceptsStoreFactory extends MemoryStoreFactory {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public boolean accepts(String location) {
            throw new IllegalStateException("accepts is broken");
        }
    }

    /** A store factory with a bug: it cannot say what its locations look like. */
    public static class FailingSyntaxStoreFactory extends MemoryStoreFactory {
        @Override
        public String id() {
            return "nosyntax";
        }

        @Override
        public String locationSyntax() {
            throw new IllegalStateException("locationSyntax is broken");
        }
    }

    /** A hook factory with an id no config key can name. */
    public static class BadIdHookFactory extends FailingHookFactory {
        @Override
        public String id() {
            return "Bad Id!";
        }
    }

    /** The superclass that {@link MissingBaseProviderFactory}'s jar leaves out in {@link #missingBase}. */
    public static class DepBase extends WorkingProviderFactory {
    }

    public static class MissingBaseProviderFactory extends DepBase {
    }

    /** A hook factory that refuses its settings with a plain exception. */
    public static class FailingHookFactory implements LifecycleHookFactory {
        @Override
        public String id() {
            return "failing";
        }

        @Override
        public LifecycleHook create(Map<String, String> settings) {
            throw new IllegalArgumentException("failing: bad settings " + settings);
        }
    }

    /** A hook factory breaking the first rule of plugins: its only constructor takes an argument. */
    public static class ArgumentHookFactory extends FailingHookFactory {
        public ArgumentHookFactory(String id) {
        }

        @Override
        public String id() {
            return "argument";
        }
    }

    private static ClassLoader withServices(Path dir, String spi, String... lines) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(spi), List.of(lines));
        return new URLClassLoader(new URL[]{dir.toUri().toURL()}, PluginRegistryTest.class.getClassLoader());
    }

    @Test
    void discoversFactoriesListedInServiceFiles(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, EnvironmentStoreFactory.class.getName(),
                MemoryStoreFactory.class.getName()));

        assertThat(r.storeIds()).contains("mem");
        assertThat(r.storeFactoryFor("mem:x")).isInstanceOf(MemoryStoreFactory.class);
        assertThat(r.describe()).anySatisfy(p -> {
            assertThat(p.kind()).isEqualTo("store");
            assertThat(p.className()).isEqualTo(MemoryStoreFactory.class.getName());
            assertThat(p.source()).isNotBlank();
        });
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aBrokenPluginIsReportedAndSkipped(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, EnvironmentStoreFactory.class.getName(),
                "com.example.DoesNotExist", MemoryStoreFactory.class.getName()));

        assertThat(r.storeIds()).contains("mem");
        assertThat(r.problems()).singleElement().asString().contains("com.example.DoesNotExist");
    }

    @Test
    void aFactoryWithoutANoArgumentConstructorIsReportedWithItsClassAndJar(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, LifecycleHookFactory.class.getName(),
                ArgumentHookFactory.class.getName(), FailingHookFactory.class.getName()));

        assertThat(r.hookIds()).contains("failing").doesNotContain("argument");
        assertThat(r.problems()).containsExactly("skipped a broken LifecycleHookFactory plugin "
                + ArgumentHookFactory.class.getName() + " ("
                + ArgumentHookFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath()
                + "): it has no public no-argument constructor");
    }

    @Test
    void problemsAreCompleteBeforeAnyKindIsUsed(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                "com.example.DoesNotExist"));

        assertThat(r.problems()).singleElement().asString().contains("com.example.DoesNotExist");
        assertThat(r.providerIds()).isEmpty();
        assertThat(r.problems()).as("reported once").hasSize(1);
    }

    @Test
    void aProviderWhoseFactoryFailsIsProviderFailedNamingThePluginNotUnknown(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                FailingProviderFactory.class.getName(), WorkingProviderFactory.class.getName()));
        dev.envctl.core.Envctl envctl = dev.envctl.core.Envctl.builder().store(new InMemoryEnvironmentStore())
                .plugins(r).environment(Map.of()).build();

        assertThatThrownBy(() -> envctl.create(dev.envctl.core.EnvironmentSpec.of("dev", "failing")))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the provider plugin 'failing' (" + FailingProviderFactory.class.getName())
                .hasMessageContaining("boom");
        assertThatThrownBy(() -> envctl.create(dev.envctl.core.EnvironmentSpec.of("dev", "nope")))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("unknown provider 'nope'");
    }

    @Test
    void aPluginThatFailsOnItsIdOrWhenCreatingBreaksOnlyItself(@TempDir Path dir) throws IOException {
        withServices(dir, LifecycleHookFactory.class.getName(), FailingHookFactory.class.getName());
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                MissingClassProviderFactory.class.getName(), FailingProviderFactory.class.getName(),
                WorkingProviderFactory.class.getName()));

        assertThat(r.providerIds()).containsExactlyInAnyOrder("failing", "working");
        assertThat(r.problems()).singleElement().asString()
                .contains(MissingClassProviderFactory.class.getName(), "dep/Dep");

        HostProviders providers = HostProviders.fromFactories(r, Map.of(), Map.of());
        assertThat(providers.get("working", Host.LOCAL).id()).isEqualTo("working");
        assertThatThrownBy(() -> providers.get("failing", Host.LOCAL)).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the provider plugin 'failing' (" + FailingProviderFactory.class.getName())
                .hasMessageContaining("java.lang.IllegalStateException: boom");
        assertThatThrownBy(() -> r.createHook("failing", Map.of())).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("the hook plugin 'failing' (" + FailingHookFactory.class.getName())
                .hasMessageContaining("bad settings");
    }

    @Test
    void aPluginWithAnInvalidIdIsReportedAndSkipped(@TempDir Path dir) throws IOException {
        withServices(dir, LifecycleHookFactory.class.getName(), BadIdHookFactory.class.getName());
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                NullIdProviderFactory.class.getName(), WorkingProviderFactory.class.getName()));

        assertThat(r.providerIds()).containsExactly("working");
        assertThat(r.hookIds()).doesNotContain("Bad Id!");
        assertThat(r.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains(NullIdProviderFactory.class.getName() + " (/",
                        "its id is null"))
                .anySatisfy(p -> assertThat(p).contains(BadIdHookFactory.class.getName(), "'Bad Id!' is invalid"));
        assertThat(HostProviders.fromFactories(r, Map.of(), Map.of()).ids()).containsExactly("working");
    }

    @Test
    void aFactoryWhoseSuperclassIsMissingIsReportedWithTheMissingClass(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(missingBase(dir));

        assertThat(r.providerIds()).containsExactly("working");
        assertThat(r.problems()).singleElement().asString()
                .contains("a class it needs is missing: java.lang.NoClassDefFoundError",
                        DepBase.class.getName().replace('.', '/'));
    }

    /**
     * A loader whose jar has {@link MissingBaseProviderFactory} and {@link WorkingProviderFactory} as providers, but
     * not {@link DepBase}.
     */
    private static ClassLoader missingBase(Path dir) throws IOException {
        String factory = MissingBaseProviderFactory.class.getName();
        Path file = dir.resolve(factory.replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        try (var in = PluginRegistryTest.class.getResourceAsStream("/" + factory.replace('.', '/') + ".class")) {
            Files.write(file, in.readAllBytes());
        }
        ClassLoader parent = new ClassLoader(PluginRegistryTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(factory) || name.equals(DepBase.class.getName())) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(ClusterProviderFactory.class.getName()),
                List.of(factory, WorkingProviderFactory.class.getName()));
        return new URLClassLoader(new URL[]{dir.toUri().toURL()}, parent);
    }

    @Test
    void explicitFactoriesWithAnInvalidIdAreInvalidInput() {
        assertThatThrownBy(() -> PluginRegistry.of(List.of(), List.of(new NullIdProviderFactory()), List.of()))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining(NullIdProviderFactory.class.getName())
                .hasMessageContaining("its id is null");
    }

    @Test
    void aStoreFactoryWhoseAcceptsFailsIsReportedAndTheOthersStillOpen(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, EnvironmentStoreFactory.class.getName(),
                FailingAcceptsStoreFactory.class.getName(), MemoryStoreFactory.class.getName()));

        assertThat(r.storeFactoryFor("mem:x")).isInstanceOf(MemoryStoreFactory.class);
        assertThat(r.problems()).singleElement().asString()
                .contains("'broken'", FailingAcceptsStoreFactory.class.getName(), "accepts is broken");
    }

    /** A second plugin that also opens {@code mem:} locations, under another id. */
    public static class SecondMemoryStoreFactory extends MemoryStoreFactory {
        @Override
        public String id() {
            return "mem2";
        }
    }

    @Test
    void twoStorePluginsThatOpenOneLocationAreNamedNotChosenByClassPathOrder() {
        PluginRegistry r = PluginRegistry.of(List.of(new MemoryStoreFactory(), new SecondMemoryStoreFactory()),
                List.of(), List.of());

        assertThatThrownBy(() -> r.storeFactoryFor("mem:x"))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageStartingWith("more than one store plugin opens 'mem:x': mem (" + MemoryStoreFactory.class
                        .getName() + ", ")
                .hasMessageContaining(", mem2 (" + SecondMemoryStoreFactory.class.getName() + ", ")
                .hasMessageEndingWith("; remove all but one of their jars from the class path");
    }

    @Test
    void aStoreFactoryThatCannotSayItsLocationSyntaxStillLeavesTheUnknownLocationMessageWhole(@TempDir Path dir)
            throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, EnvironmentStoreFactory.class.getName(),
                FailingSyntaxStoreFactory.class.getName(), MemoryStoreFactory.class.getName()));
        String memSyntax = new MemoryStoreFactory().locationSyntax();

        assertThatThrownBy(() -> r.storeFactoryFor("nope:x"))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("no store opens 'nope:x'; known stores: mem (" + memSyntax + "), nosyntax (its plugin "
                        + FailingSyntaxStoreFactory.class.getName() + " failed to say: java.lang.IllegalStateException: "
                        + "locationSyntax is broken)");
    }

    @Test
    void aFactoryThatMakesNoProviderIsProviderFailedNamingThePlugin(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                NullProviderFactory.class.getName(), WorkingProviderFactory.class.getName()));
        dev.envctl.core.Envctl envctl = dev.envctl.core.Envctl.builder().store(new InMemoryEnvironmentStore())
                .plugins(r).environment(Map.of()).build();

        assertThatThrownBy(() -> envctl.create(dev.envctl.core.EnvironmentSpec.of("dev", "nullprov")))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the provider plugin 'nullprov' (" + NullProviderFactory.class.getName())
                .hasMessageContaining("its factory returned null");
        assertThat(envctl.list()).isEmpty();
    }

    @Test
    void aFactoryThatCannotSayItsSettingKeysBreaksOnlyItsOwnProvider(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                FailingKeysProviderFactory.class.getName(), WorkingProviderFactory.class.getName()));

        HostProviders providers = HostProviders.fromFactories(r, Map.of(), Map.of());
        assertThat(providers.get("working", Host.LOCAL).id()).isEqualTo("working");
        assertThatThrownBy(() -> providers.get("nokeys", Host.LOCAL)).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the provider plugin 'nokeys' (" + FailingKeysProviderFactory.class.getName())
                .hasMessageContaining("settingKeys is broken");
    }

    /** Settings given for it do not turn its bug into a raw exception from build() that stops every provider. */
    @Test
    void settingsForAProviderThatCannotSayItsSettingKeysBreakOnlyThatProvider(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                FailingKeysProviderFactory.class.getName(), WorkingProviderFactory.class.getName()));

        Envctl envctl = Envctl.builder().store(new InMemoryEnvironmentStore()).plugins(r).environment(Map.of())
                .providerSettings("nokeys", Map.of("timeout", "5m")).build();

        assertThat(envctl.provider("working").id()).isEqualTo("working");
        assertThatThrownBy(() -> envctl.provider("nokeys")).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the provider plugin 'nokeys' (" + FailingKeysProviderFactory.class.getName())
                .hasMessageContaining("settingKeys is broken");
        assertThatThrownBy(() -> r.createProvider("nokeys", Map.of())).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_FAILED))
                .hasMessageContaining("the provider plugin 'nokeys' (" + FailingKeysProviderFactory.class.getName())
                .hasMessageContaining("settingKeys is broken");
    }

    /** A hook or store plugin that cannot say its setting keys is an error naming it, as when it fails to create. */
    @Test
    void aHookOrStorePluginThatCannotSayItsSettingKeysIsNamed() {
        FailingHookFactory hook = new FailingHookFactory() {
            @Override
            public Set<String> settingKeys() {
                throw new IllegalStateException("hook settingKeys is broken");
            }
        };
        MemoryStoreFactory store = new MemoryStoreFactory() {
            @Override
            public Set<String> settingKeys() {
                throw new IllegalStateException("store settingKeys is broken");
            }
        };
        PluginRegistry r = PluginRegistry.of(List.of(store), List.of(), List.of(hook));

        assertThatThrownBy(() -> Envctl.builder().store(new InMemoryEnvironmentStore()).plugins(r)
                .environment(Map.of()).hook("failing", Map.of()).build())
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("the hook plugin 'failing' (" + hook.getClass().getName())
                .hasMessageContaining("hook settingKeys is broken");
        assertThatThrownBy(() -> Envctl.builder().store("mem:a").plugins(r).environment(Map.of()).build())
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE))
                .hasMessageContaining("the store plugin 'mem' (" + store.getClass().getName())
                .hasMessageContaining("store settingKeys is broken");
    }

    @Test
    void twoFactoriesWithOneIdAreInvalidInputNamingBothClassesAndJars(@TempDir Path dir) throws IOException {
        ClassLoader loader = withServices(dir, EnvironmentStoreFactory.class.getName(),
                MemoryStoreFactory.class.getName(), OtherMemoryStoreFactory.class.getName());
        String source = MemoryStoreFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath();

        PluginRegistry r = PluginRegistry.discover(loader);
        assertThatThrownBy(r::storeIds).isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessage("two store plugins have the id 'mem': " + MemoryStoreFactory.class.getName() + " ("
                        + source + ") and " + OtherMemoryStoreFactory.class.getName() + " (" + source + "); remove "
                        + "one of the two jars from the class path: until then no store plugin can be used");
    }

    /** A second factory claiming the id of {@link WorkingProviderFactory}. */
    public static class OtherWorkingProviderFactory extends WorkingProviderFactory {
    }

    @Test
    void twoProvidersWithOneIdStopEveryProviderButAreListedAndReported(@TempDir Path dir) throws IOException {
        PluginRegistry r = PluginRegistry.discover(withServices(dir, ClusterProviderFactory.class.getName(),
                NoProviderFactory.class.getName(), WorkingProviderFactory.class.getName(),
                OtherWorkingProviderFactory.class.getName()));
        Envctl envctl = Envctl.builder().store(new InMemoryEnvironmentStore()).plugins(r).environment(Map.of())
                .build();

        assertThat(r.problems()).singleElement().asString().startsWith("two provider plugins have the id 'working': "
                + WorkingProviderFactory.class.getName() + " (/").contains(OtherWorkingProviderFactory.class.getName());
        assertThat(r.describe()).filteredOn(p -> p.kind().equals("provider")).extracting(PluginInfo::className)
                .containsExactly(NoProviderFactory.class.getName(), WorkingProviderFactory.class.getName(),
                        OtherWorkingProviderFactory.class.getName());
        assertThat(r.hookIds()).contains("exec");
        for (Runnable use : List.<Runnable>of(r::providerIds, () -> r.providerFactory("none"),
                () -> envctl.create(dev.envctl.core.EnvironmentSpec.of("dev", "none")))) {
            assertThatThrownBy(use::run).isInstanceOfSatisfying(EnvctlException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessage(r.problems().get(0));
        }
        assertThat(envctl.list()).isEmpty();
    }

    @Test
    void explicitFactoriesWithOneIdAreInvalidInput() {
        assertThatThrownBy(() -> PluginRegistry.of(List.of(),
                List.of(new WorkingProviderFactory(), new OtherWorkingProviderFactory()), List.of()))
                .isInstanceOfSatisfying(EnvctlException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .hasMessageContaining("two provider plugins have the id 'working'");
    }

    @Test
    void unknownLocationSchemeListsTheKnownStores() {
        PluginRegistry r = PluginRegistry.of(List.of(new MemoryStoreFactory()), List.of(), List.of());

        assertThatThrownBy(() -> r.storeFactoryFor("redis://u:secret@host/0"))
                .hasMessageContaining("mem (mem:NAME)")
                .hasMessageNotContaining("secret")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void unknownProviderListsTheKnownOnes() {
        PluginRegistry r = PluginRegistry.of(List.of(), List.of(new NoProviderFactory()), List.of());

        assertThatThrownBy(() -> r.providerFactory("k3s")).hasMessageContaining("unknown provider 'k3s'")
                .hasMessageContaining("known: none")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThatThrownBy(() -> r.hookFactory("exec")).hasMessageContaining("no hook plugin");
    }

    @Test
    void unknownSettingKeysAreRejectedWithTheValidOnes() {
        PluginRegistry r = PluginRegistry.of(List.of(new MemoryStoreFactory()), List.of(), List.of());

        assertThatThrownBy(() -> r.openStore("mem:a", Map.of("mem.sise", "1")))
                .hasMessageContaining("unknown setting 'mem.sise' for store mem; valid: mem.size");
        try (EnvironmentStore s = r.openStore("mem:a", Map.of("mem.size", "1"))) {
            assertThat(s.health().available()).isTrue();
        }
    }

    @Test
    void aStorePluginThatThrowsOrOpensNothingIsStoreUnavailableNamingThePlugin() {
        MemoryStoreFactory throwing = new MemoryStoreFactory() {
            @Override
            public EnvironmentStore open(String location, Map<String, String> settings) {
                throw new IllegalStateException("cannot open " + location);
            }
        };
        MemoryStoreFactory nothing = new MemoryStoreFactory() {
            @Override
            public EnvironmentStore open(String location, Map<String, String> settings) {
                return null;
            }
        };
        MemoryStoreFactory asserting = new MemoryStoreFactory() {
            @Override
            public EnvironmentStore open(String location, Map<String, String> settings) {
                throw new AssertionError("pool size must be positive");
            }
        };

        for (MemoryStoreFactory f : List.of(throwing, nothing, asserting)) {
            PluginRegistry r = PluginRegistry.of(List.of(f), List.of(), List.of());
            assertThatThrownBy(() -> r.openStore("mem:a", Map.of()))
                    .hasMessageStartingWith("the store plugin 'mem' (" + f.getClass().getName() + ", ")
                    .hasMessageContaining(") failed to open its store: ")
                    .hasMessageEndingWith(f == throwing ? "java.lang.IllegalStateException: cannot open mem:a"
                            : f == asserting ? "java.lang.AssertionError: pool size must be positive"
                            : "its factory returned null")
                    .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
            assertThatThrownBy(() -> Envctl.builder().plugins(r).store("mem:a").environment(Map.of()).build())
                    .isInstanceOf(EnvctlException.class).hasMessageContaining("failed to open its store");
        }
    }

    @Test
    void aStorePluginWhoseErrorHoldsAPasswordIsNamedWithoutIt() {
        PluginRegistry r = PluginRegistry.of(List.of(new MemoryStoreFactory() {
            @Override
            public EnvironmentStore open(String location, Map<String, String> settings) {
                throw new IllegalStateException("cannot reach mem://envctl:s3cret@db:5432/envs");
            }
        }), List.of(), List.of());

        assertThatThrownBy(() -> r.openStore("mem:a", Map.of()))
                .hasMessageEndingWith("java.lang.IllegalStateException: cannot reach mem://envctl:***@db:5432/envs")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aStorePluginRunningOutOfMemoryIsNotTurnedIntoAStoreError() {
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        PluginRegistry r = PluginRegistry.of(List.of(new MemoryStoreFactory() {
            @Override
            public EnvironmentStore open(String location, Map<String, String> settings) {
                throw oom;
            }
        }), List.of(), List.of());

        assertThatThrownBy(() -> r.openStore("mem:a", Map.of())).isSameAs(oom);
    }

    @Test
    void missingLocationIsInvalidInput() {
        PluginRegistry r = PluginRegistry.of(List.of(new MemoryStoreFactory()), List.of(), List.of());
        assertThatThrownBy(() -> r.storeFactoryFor(" ")).hasMessage("no store location given")
                .satisfies(e -> assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
