package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.Environment;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.Redaction;
import dev.envctl.core.alloc.PortProbe;
import dev.envctl.core.alloc.SubnetProbe;
import dev.envctl.core.fallback.FallbackStore;
import dev.envctl.core.lifecycle.EngineOptions;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.EnvironmentStoreFactory;
import dev.envctl.core.spi.InvalidSettingException;
import dev.envctl.core.spi.ProgressListener;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What one command run works with: the streams, the resolved config, the plugins, and the {@link Envctl} made
 * from them (store, providers, hooks, policy), each created on first use and closed at the end. Not
 * thread-safe (one per run).
 */
public final class Session implements AutoCloseable {

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final GlobalOptions global;
    private final PluginRegistry plugins = PluginRegistry.discover(Session.class.getClassLoader());
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final Interruption interruption;
    private EnvctlConfig config;
    private EnvironmentStore store;
    private boolean onlyReading;
    /** Set by {@code doctor}, which reports a fallback store that cannot be opened on a line of its own. */
    private boolean checksFallback;
    /** Why {@link #readStore} serves the fallback store alone (the primary's outage), or null. */
    private EnvctlException fallbackOnly;
    /** Why the configured store could not be opened, once it could not: a second try would wait as long again. */
    private EnvctlException storeFailure;
    private Envctl envctl;
    private ConsoleProgress progress;
    private ProgressListener tracked;
    private String storeHint;

    Session(PrintStream out, PrintStream err, Map<String, String> env, GlobalOptions global) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.global = global;
        this.interruption = new Interruption(err, this::progressDone);
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    Map<String, String> env() {
        return env;
    }

    GlobalOptions global() {
        return global;
    }

    PluginRegistry plugins() {
        return plugins;
    }

    /** What a failure of an unavailable store adds: what chose the store ({@link Errors#report}). */
    String storeHint() {
        return storeHint != null ? storeHint : config != null ? config.storeOrigin()
                : "store chosen by --store, ENVCTL_STORE or 'store' in the config";
    }

    /** For a command whose stores are not chosen by --store (migrate's --from and --to): the hint instead. */
    void storeHint(String hint) {
        storeHint = hint;
    }

    OutputFormat format() {
        return OutputFormat.parse(global.output);
    }

    /**
     * Prints the value {@code json} gives as JSON under {@code -o json}, otherwise lets {@code text} print the table
     * or text on stdout. The JSON value is built only when printed, so other formats never load Jackson.
     */
    void print(Supplier<?> json, Consumer<PrintStream> text) {
        if (format() == OutputFormat.JSON) {
            Json.print(out, json.get());
        } else {
            text.accept(out);
        }
    }

    EnvctlConfig config() {
        if (config == null) {
            config = ConfigResolver.resolve(global, env, plugins);
        }
        return config;
    }

    /**
     * Whether Docker runs on this machine, so that automatic ports skip ports other programs hold here and
     * automatic subnets the networks this host routes; not when {@code DOCKER_HOST} names another machine (then
     * this host's ports and routes say nothing about the Docker host's).
     */
    private boolean localDocker() {
        String dockerHost = env.getOrDefault("DOCKER_HOST", "");
        return dockerHost.isEmpty() || dockerHost.startsWith("unix://");
    }

    /**
     * The configured store for commands that write. With {@code fallback.store} set it is a {@link FallbackStore}
     * whose writes go to the primary (and, with {@code fallback.mirror}, to the fallback too) and whose reads do not
     * fall back: a decision taken on stale data could undo what the primary holds.
     */
    EnvironmentStore store() {
        return store(false);
    }

    private EnvironmentStore store(boolean readsFallBack) {
        if (storeFailure != null) {
            // asked again (doctor's host check after its store check): the same failure, without a second wait
            throw storeFailure;
        }
        if (store == null) {
            EnvironmentStore primary;
            try {
                primary = openStore(config().store());
            } catch (EnvctlException e) {
                storeFailure = e;
                throw e;
            }
            String fallback = config().fallbackStore();
            store = fallback.isEmpty() ? primary : withFallback(primary, fallback, readsFallBack);
        }
        return store;
    }

    /**
     * {@code primary} with the fallback store at {@code location}; the primary alone, with a warning, when the
     * fallback cannot be opened (a server down, a folder where its file should be): it serves reads only while the
     * primary is down, and a failed copy of a write to it is a warning, so it never fails what the primary can do.
     * A bad setting ({@code INVALID_INPUT}: a location no store opens, a bad {@code store.*} value) is refused as
     * every bad setting is.
     */
    private EnvironmentStore withFallback(EnvironmentStore primary, String location, boolean readsFallBack) {
        boolean mirror = config().fallbackMirror();
        try {
            EnvironmentStore fallback = openFallback(location);
            // the primary itself, spelled another way or not: it cannot serve while the primary is down (doctor
            // says so), and copying each write to it would write it twice
            return fallback.location().equals(primary.location()) ? primary
                    : new FallbackStore(primary, fallback, mirror, readsFallBack);
        } catch (EnvctlException e) {
            if (e.code() == ErrorCode.INVALID_INPUT) {
                throw e;
            }
            if (!checksFallback) {
                warn("the fallback store " + redactLocation(location) + " cannot be opened: " + Errors.oneLine(
                        e.getMessage()) + "; working with the primary store alone: " + (mirror ? "writes are not "
                        + "copied to it, and " : "") + "reads cannot fall back to it while the primary is down; fix "
                        + "fallback.store (envctl doctor checks it)");
            }
            return primary;
        }
    }

    /**
     * The store for commands that only read ({@code list}, {@code get}): like {@link #store()}, but its reads fall
     * back (with a warning) while the primary is down, and when the primary cannot even be opened because it
     * cannot be reached ({@link FallbackStore#isOutage}) and {@code fallback.store} is set, it is the fallback alone,
     * with a warning ({@link #fallbackOnly}). A primary that refuses its settings (a login, a database) is reported
     * as it is.
     */
    EnvironmentStore readStore() {
        try {
            return store(true);
        } catch (EnvctlException e) {
            String fallback = config().fallbackStore();
            // a refused login or a missing database is a setting to fix, not an outage: never hidden by stale data
            if (fallback.isEmpty() || !FallbackStore.isOutage(e)) {
                throw e;
            }
            EnvironmentStore opened;
            try {
                opened = openFallback(fallback);
            } catch (EnvctlException f) {
                if (f.code() == ErrorCode.INVALID_INPUT) {
                    throw f; // a bad setting, which names fallback.store
                }
                // the primary's outage is the failure (its message ends with what chose the primary); the
                // fallback's, why no stale copy came instead
                throw new EnvctlException(e.code(), Errors.oneLine(e.getMessage()) + "; the fallback store "
                        + redactLocation(fallback) + " cannot be read either: " + Errors.oneLine(f.getMessage()), e,
                        e.remedy().orElse(null));
            }
            warn(Errors.oneLine(e.getMessage()) + "; reading the fallback store " + redactLocation(fallback)
                    + " instead: data may be stale");
            fallbackOnly = e;
            return opened;
        }
    }

    /**
     * The record of {@code name} from {@code store}, which {@link #readStore} gave: when that is the fallback alone,
     * a name it lacks is not "not found" (exit 3) but {@link FallbackStore#staleMiss} (exit 5).
     */
    Environment get(EnvironmentStore store, String name) {
        try {
            return store.get(name);
        } catch (EnvctlException e) {
            if (e.code() == ErrorCode.NOT_FOUND && fallbackOnly != null) {
                throw FallbackStore.staleMiss(name, store.location(), fallbackOnly);
            }
            throw e;
        }
    }

    /**
     * Opens the store at location {@code typed} (a leading {@code ~/} is the home folder: {@link Locations#expand})
     * with the {@code store.*} settings its factory declares.
     */
    EnvironmentStore openStore(String typed) {
        return openStore(typed, storeHint());
    }

    /** {@link #openStore} for the location of {@code fallback.store}, whose refusal names that setting. */
    EnvironmentStore openFallback(String typed) {
        return openStore(typed, "fallback store chosen by 'fallback.store' in the config");
    }

    private EnvironmentStore openStore(String typed, String origin) {
        String location = Locations.expand(typed, env);
        EnvironmentStoreFactory factory = located(origin, () -> plugins.storeFactoryFor(location));
        Map<String, String> settings = storeSettings(factory);
        if (global.debug()) { // without -vv, SLF4J is not even started on the way to a list
            LoggerFactory.getLogger(Session.class).debug("opening store {} with settings {}", redactLocation(location),
                    settings.keySet());
        }
        EnvironmentStore opened = ConfigResolver.openingStore(settings, config().source(), () -> located(origin,
                () -> PluginRegistry.opened(factory, () -> onlyReading ? factory.openToRead(location, settings, env)
                        : factory.open(location, settings, env))));
        toClose.push(opened);
        return opened;
    }

    /**
     * {@code open}'s result; a refusal of the location itself (no store opens it, a password in it: INVALID_INPUT, not
     * about a {@code store.*} setting) ends with {@code origin}, what chose the location, as the message of a store
     * that does not answer does ({@link Errors#report}): an {@code ENVCTL_STORE} set long ago is otherwise hard to
     * find.
     */
    private static <T> T located(String origin, Supplier<T> open) {
        try {
            return open.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (EnvctlException e) {
            if (e.code() != ErrorCode.INVALID_INPUT) {
                throw e;
            }
            throw new EnvctlException(e.code(), e.getMessage() + " (" + origin + ")", e, e.remedy().orElse(null));
        }
    }

    /**
     * For a command that changes nothing (a dry run, {@code diff}, {@code doctor}; {@code only} true): every store
     * opened from now on is opened to read ({@link EnvironmentStoreFactory#openToRead}), so that opening it changes
     * nothing either (the PostgreSQL store then reads a table it has not adopted as it is instead of adopting it).
     */
    void onlyReading(boolean only) {
        onlyReading = only;
    }

    /** For {@code doctor}: a fallback store that cannot be opened is the caller's to report, not warned about. */
    void checksFallback() {
        checksFallback = true;
    }

    /** The config's {@code store.KEY} values whose KEY {@code factory} declares. */
    Map<String, String> storeSettings(EnvironmentStoreFactory factory) {
        Map<String, String> settings = config().under(ConfigKeys.STORE_PREFIX);
        settings.keySet().retainAll(factory.settingKeys());
        return settings;
    }

    /**
     * The facade over the configured store, every provider (with its {@code provider.ID.*} settings), the hooks
     * of {@code hooks.enabled} (with their {@code hook.ID.*} settings; a value starting {@code ~/} is a path
     * under this run's home folder) and the config's pools, drift policy and concurrency. Building it warns about the
     * settings of each hook that {@code hooks.enabled} does not name, which then does not run.
     */
    Envctl envctl() {
        return envctl(null);
    }

    /** {@link #envctl()}, converging at most {@code concurrency} environments at once when not null. */
    Envctl envctl(Integer concurrency) {
        if (envctl == null) {
            EnvctlConfig c = config();
            EngineOptions options = new EngineOptions(concurrency == null ? c.reconcileConcurrency() : concurrency,
                    c.drift());
            Envctl.Builder b = Envctl.builder().store(this::store).plugins(plugins).environment(env)
                    .policy(c.policy()).portProbe(localDocker() ? PortProbe.LOCAL : PortProbe.NONE)
                    .subnetProbe(localDocker() ? SubnetProbe.LOCAL : SubnetProbe.NONE).options(options);
            plugins.providerIds().forEach(id -> b.providerSettings(id,
                    c.pluginSettings(ConfigKeys.PROVIDER_PREFIX + id + ".", env)));
            c.hooksEnabled().forEach(id -> b.hook(id, c.pluginSettings(ConfigKeys.HOOK_PREFIX + id + ".", env)));
            envctl = b.build();
            c.settingsOfHooksNotEnabled(plugins.hookIds()).forEach(this::warn);
        }
        return envctl;
    }

    /**
     * Progress on stderr for long work; see {@link ConsoleProgress}. The environments it reports are the ones an
     * {@link #interruption} names.
     */
    ProgressListener progress() {
        if (progress == null) {
            progress = new ConsoleProgress(err, terminal(), colorOut(), global.verbose(), global.quiet());
            tracked = interruption.tracking(progress);
        }
        return tracked;
    }

    /** What a SIGINT or SIGTERM does to this run; see {@link Interruption}. */
    Interruption interruption() {
        return interruption;
    }

    /** Ends the live progress line before results or errors are printed. */
    void progressDone() {
        if (progress != null) {
            progress.close();
        }
    }

    /** Colour on stdout and in progress lines: a terminal and no {@code NO_COLOR}. */
    boolean colorOut() {
        return terminal() && env.getOrDefault("NO_COLOR", "").isEmpty();
    }

    private boolean terminal() {
        return System.console() != null && !"dumb".equals(env.get("TERM"));
    }

    String redact(String text) {
        // the PostgreSQL store takes its password from either; ~/.pgpass is read by its driver, not here
        return Errors.redact(Errors.redact(text, env.get("ENVCTL_DB_PASSWORD")), env.get("PGPASSWORD"));
    }

    /** {@link #redact} for a text that is one store location as a whole ({@link Redaction#redactLocation}). */
    String redactLocation(String location) {
        return redact(Redaction.redactLocation(location));
    }

    void warn(String message) {
        if (!global.quiet()) {
            progressDone();
            err.println("envctl: warning: " + redact(message));
        }
    }

    @Override
    public void close() {
        progressDone();
        while (!toClose.isEmpty()) {
            AutoCloseable c = toClose.pop();
            try {
                c.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(Session.class).warn("closing {} failed: {}", c, redact(String.valueOf(e.getMessage())));
            }
        }
    }
}
