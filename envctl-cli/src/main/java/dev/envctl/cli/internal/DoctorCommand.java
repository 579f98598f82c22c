package dev.envctl.cli.internal;

import com.beust.jcommander.Parameters;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Host;
import dev.envctl.core.Invariants;
import dev.envctl.core.fallback.FallbackStore;
import dev.envctl.core.spi.ClusterProvider;
import dev.envctl.core.spi.EnvironmentStore;
import dev.envctl.core.spi.PrerequisiteCheck;
import dev.envctl.core.spi.PrerequisiteCheck.Status;
import dev.envctl.core.spi.StoreHealth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code envctl doctor}: one PASS / WARN / FAIL line per check (Java, the store and its schema version, whether its
 * records keep the invariants, the {@code fallback.store} when set, each provider's tool and Docker, one line for
 * the providers unless their checks of it differ, then one per provider as {@code docker (ID)}, and Docker at each
 * further host of the store alike, as {@code docker on NAME}) with what to do; exit 1 when any check fails. A
 * missing tool of a provider that is not {@code provider.default} and that no environment of the store uses is a
 * WARN: it only matters for {@code --provider} of that id. A broken plugin is a FAIL naming its class and jar: a
 * provider plugin whose factory made no provider, and every problem discovery met ({@code envctl plugins}).
 */
@Parameters(commandNames = "doctor",
        commandDescription = "Check Java, the store, the provider tools and Docker on every host; exit 1 when any "
                + "check fails")
final class DoctorCommand extends CliCommand {
    @Override
    boolean reportsPluginProblems() {
        return true;
    }

    @Override
    int run(Session session) {
        session.format();
        session.onlyReading(true);
        session.checksFallback();
        List<PrerequisiteCheck> checks = new ArrayList<>();
        checks.add(java());
        checks.add(store(session));
        Optional<List<Environment>> listed = environments(session);
        listed.map(DoctorCommand::records).ifPresent(checks::add);
        fallback(session).ifPresent(checks::add);
        String dflt = session.config().defaultProvider();
        Map<String, ClusterProvider> providers = session.envctl().providers();
        List<Environment> environments = listed.orElse(List.of());
        // the tools run on this machine for every host's environments; each host's Docker for its own
        checks.addAll(byProvider(providers, dflt, used(environments, null), used(environments, Host.LOCAL_NAME),
                c -> c));
        for (Host host : hosts(session)) {
            Map<String, Long> there = used(environments, host.name());
            String endpoint = HostCommand.docker(host);
            // the detail names the endpoint once: Docker's own words often do ("Cannot connect to ... at ENDPOINT")
            checks.addAll(byProvider(session.envctl().providers(host.name()), dflt, there, there, c -> !c.name()
                    .equals("docker") ? null : new PrerequisiteCheck("docker on " + host.name(), c.status(),
                    c.detail().contains(endpoint) ? c.detail() : c.detail() + " at " + endpoint,
                    c.status() == Status.PASS ? c.hint() : "check that Docker runs on host " + host.name()
                    + " and answers at " + endpoint)));
        }
        for (String id : session.plugins().providerIds()) {
            // a plugin whose factory failed has no provider to check: that failure is the check (exit 6 on use)
            session.envctl().hostProviders().failure(id).ifPresent(why -> checks.add(PrerequisiteCheck.fail(
                    "provider " + id, why, "fix or remove that plugin's jar")));
        }
        for (String problem : session.plugins().problems()) {
            checks.add(PrerequisiteCheck.fail("plugins", problem, "fix or remove that plugin's jar"));
        }
        if (!session.plugins().providerIds().contains(dflt)) {
            checks.add(PrerequisiteCheck.fail("provider " + dflt, "provider.default is " + dflt + " but no such "
                    + "provider plugin was found", "set provider.default to one of " + providers.keySet()));
        }
        print(session, checks);
        return checks.stream().anyMatch(c -> c.status() == Status.FAIL) ? 1 : 0;
    }

    /** A check as shown, the environments of each provider that need it, and the providers whose check it is. */
    private record Shown(PrerequisiteCheck check, Map<String, Long> used, List<String> owners) {
    }

    /**
     * The checks of {@code providers} that {@code as} keeps, as it words them (null drops one), each shown once, as
     * the default provider's; where providers' checks of one name differ (Docker answering for one provider's docker
     * binary and not for another's), each of those lines names its providers: {@code docker (kind)}. A failed check
     * names how many environments need it: those of {@code here} for Docker (the environments on its host), those of
     * {@code everywhere} for the rest (the tools run on this machine for every host).
     */
    private static List<PrerequisiteCheck> byProvider(Map<String, ClusterProvider> providers, String dflt,
                                                      Map<String, Long> everywhere, Map<String, Long> here,
                                                      UnaryOperator<PrerequisiteCheck> as) {
        Map<String, Shown> shown = new LinkedHashMap<>();
        for (Map.Entry<String, ClusterProvider> e : providers.entrySet().stream()
                .sorted(Comparator.comparing(p -> !p.getKey().equals(dflt))).toList()) {
            for (PrerequisiteCheck check : safeChecks(e.getKey(), e.getValue())) {
                PrerequisiteCheck c = as.apply(check);
                if (c != null) {
                    // Docker is needed by the environments on its host, the tool by every one of its provider
                    Map<String, Long> used = check.name().equals("docker") ? here : everywhere;
                    shown.computeIfAbsent(c.name() + "|" + c.detail(), k -> new Shown(c, used, new ArrayList<>()))
                            .owners().add(e.getKey());
                }
            }
        }
        Map<String, Long> lines = shown.values().stream()
                .collect(Collectors.groupingBy(v -> v.check().name(), Collectors.counting()));
        return shown.values().stream().map(v -> {
            PrerequisiteCheck c = needed(v.check(), v.owners(), dflt, v.used());
            return new PrerequisiteCheck(lines.get(c.name()) == 1 ? c.name() : c.name() + " (" + String.join(", ",
                    v.owners()) + ")", c.status(), Errors.withConfigKey(c.detail()), c.hint());
        }).toList();
    }

    /**
     * A failed check of providers {@code ids} (one line for them all, such as Docker) as it matters: a FAIL naming
     * the environments of those providers that need it, a WARN when none does and none of them is the default
     * provider.
     */
    private static PrerequisiteCheck needed(PrerequisiteCheck c, List<String> ids, String dflt,
                                            Map<String, Long> used) {
        long needing = ids.stream().mapToLong(id -> used.getOrDefault(id, 0L)).sum();
        return c.status() != Status.FAIL ? c
                : needing > 0 ? PrerequisiteCheck.fail(c.name(), c.detail(), join(c.hint(), "needed by "
                + needing + (needing == 1 ? " environment" : " environments") + " of the store"))
                : ids.contains(dflt) ? c : PrerequisiteCheck.warn(c.name(), c.detail(), join(c.hint(),
                "needed only for --provider " + String.join(" or --provider ", ids) + " (provider.default is "
                + dflt + ")"));
    }

    /** The store's hosts besides {@code local}; none when the store cannot say (its own check fails then). */
    private static List<Host> hosts(Session session) {
        try {
            return session.store().hosts().stream().filter(h -> !h.isLocal()).toList();
        } catch (EnvctlException e) {
            return List.of();
        }
    }

    private static PrerequisiteCheck java() {
        String v = System.getProperty("java.version");
        String where = System.getProperty("java.home");
        return Runtime.version().feature() >= 17 ? PrerequisiteCheck.pass("java", "Java " + v + " (" + where + ")")
                : PrerequisiteCheck.fail("java", "Java " + v, "install Java 17 or newer");
    }

    private static PrerequisiteCheck store(Session session) {
        String location = session.redactLocation(session.config().store());
        String problem;
        String hint = "check that the store is reachable, or choose another with --store / ENVCTL_STORE";
        try {
            EnvironmentStore store = session.store();
            // a fallback store has a line of its own (fallback)
            StoreHealth h = (store instanceof FallbackStore f ? f.primary() : store).health();
            // the detail names the store itself (StoreHealth): the location is not put before it a second time, nor
            // the schema version where the detail names it already (a schema newer than this envctl knows)
            String version = h.schemaVersion() == null ? null : "schema version " + h.schemaVersion();
            String found = session.redact(h.detail()) + (version == null || names(h.detail(), version) ? ""
                    : ", " + version);
            if (h.available() && h.problem() == null) {
                // a warning: it works now, but needs attention (a schema the next opening migrates)
                return h.warning() == null ? PrerequisiteCheck.pass("store", found) : PrerequisiteCheck.warn("store",
                        found, session.redact(h.warning()) + Errors.hint(h.remedy(), h.warning()));
            }
            if (h.available()) {
                // it answers, but every write (or whatever the problem names) fails: a failed check, exit 1
                return PrerequisiteCheck.fail("store", found, session.redact(h.problem())
                        + Errors.hint(h.remedy(), h.problem()));
            }
            problem = h.detail();
        } catch (EnvctlException e) {
            problem = Errors.oneLine(e.getMessage()) + Errors.hint(e);
            if (!FallbackStore.isOutage(e)) {
                hint = null; // the store answered (also with a refused login); its message says what to do
            }
        }
        problem = session.redact(problem);
        return PrerequisiteCheck.fail("store", problem.contains(location) ? problem : location + ": " + problem, hint);
    }

    /**
     * The line of {@code fallback.store}, when set: PASS when it answers; a WARN, not a FAIL, when it cannot serve what
     * the config asks of it, since no command fails on it (a copy the primary's write makes to it fails with a warning,
     * and reads fall back to it only while the primary is down). With {@code fallback.mirror=true} it must be writable,
     * else readable: a fallback only read need not be writable.
     */
    private static Optional<PrerequisiteCheck> fallback(Session session) {
        String location = session.config().fallbackStore();
        if (location.isEmpty()) {
            return Optional.empty();
        }
        boolean mirror = session.config().fallbackMirror();
        String setting = "fallback.store " + session.redactLocation(location);
        EnvironmentStore primary = null;
        EnvironmentStore fallback = null;
        try {
            primary = session.store();
            if (primary instanceof FallbackStore f) {
                primary = f.primary();
                fallback = f.fallback();
            }
        } catch (EnvctlException primaryDown) {
            // its own line says why; the fallback is opened alone
        }
        StoreHealth h;
        try {
            fallback = fallback != null ? fallback : session.openFallback(location);
            h = fallback.health();
        } catch (EnvctlException e) {
            return Optional.of(PrerequisiteCheck.warn("fallback", session.redact(Errors.oneLine(e.getMessage())),
                    "reads cannot fall back to " + setting + " while the primary is down; fix it or change "
                    + "fallback.store"));
        }
        if (primary != null && fallback.location().equals(primary.location())) {
            return Optional.of(PrerequisiteCheck.warn("fallback", setting + " is the primary store itself",
                    "it cannot serve reads while the primary is down; name another store, or remove fallback.store"));
        }
        String detail = session.redact(h.problem() == null ? h.detail() : h.detail() + ": " + h.problem());
        if (h.available() && h.problem() == null) {
            return Optional.of(h.warning() == null
                    ? PrerequisiteCheck.pass("fallback", detail + (mirror ? ", mirrored" : ""))
                    : PrerequisiteCheck.warn("fallback", detail, session.redact(h.warning())
                    + Errors.hint(h.remedy(), h.warning())));
        }
        if (mirror) {
            return Optional.of(PrerequisiteCheck.warn("fallback", detail, "fallback.mirror is true, so every write "
                    + "to the primary is copied to " + setting + ", and each copy fails with a warning: the fallback "
                    + "falls behind, and reads served from it while the primary is down are older still; make it "
                    + "writable, or set fallback.mirror=false"));
        }
        try {
            int rows = fallback.list(EnvironmentFilter.ALL).size();
            return Optional.of(PrerequisiteCheck.pass("fallback", setting + " with " + rows + (rows == 1
                    ? " environment" : " environments") + ", readable (envctl only reads it: fallback.mirror is "
                    + "false)"));
        } catch (EnvctlException e) {
            return Optional.of(PrerequisiteCheck.warn("fallback", detail, "list, get and host list read it while the "
                    + "primary is down, and would fail; fix it or change fallback.store"));
        }
    }

    /** Whether {@code detail} says {@code version} ({@code schema version 9}), not a longer one ({@code 99}). */
    private static boolean names(String detail, String version) {
        return Pattern.compile(Pattern.quote(version) + "(?![\\w.])").matcher(detail).find();
    }

    /** The store's environments; empty when the store cannot be read. */
    private static Optional<List<Environment>> environments(Session session) {
        try {
            return Optional.of(session.store().list(EnvironmentFilter.ALL));
        } catch (EnvctlException e) {
            return Optional.empty(); // the store's own check says why
        }
    }

    /**
     * The line {@code records}: whether the store's {@code environments} keep the invariants, each violation named
     * ({@link Invariants}). A WARN, not a FAIL: a store may hold such rows (a CSV file an older envctl, the Kindler
     * scripts or a hand edit wrote) and commands still work on them, but their clusters cannot all bind those ports
     * or networks at once.
     */
    private static PrerequisiteCheck records(List<Environment> environments) {
        List<String> violations = Invariants.violations(environments);
        int n = environments.size();
        String count = n + (n == 1 ? " environment" : " environments");
        return violations.isEmpty() ? PrerequisiteCheck.pass("records", count + ": no host port held twice on a "
                + "host, no overlapping subnets")
                : PrerequisiteCheck.warn("records", count + ", " + violations.size() + (violations.size() == 1
                ? " conflict: " : " conflicts: ") + String.join("; ", violations), "each host port (on its host) "
                + "and each subnet is one environment's: their clusters cannot all run at once, and envctl migrate "
                + "to PostgreSQL refuses such rows; delete one of each pair (envctl delete NAME), or give it free "
                + "ports or another subnet (envctl apply -f FILE --replace, or an edit of the store file)");
    }

    /** How many of {@code environments} each provider has on {@code host} (on every host when null). */
    private static Map<String, Long> used(List<Environment> environments, String host) {
        return environments.stream().filter(e -> host == null || host.equals(e.host()))
                .collect(Collectors.groupingBy(Environment::provider, Collectors.counting()));
    }

    private static List<PrerequisiteCheck> safeChecks(String id, ClusterProvider provider) {
        try {
            return provider.checkPrerequisites();
        } catch (RuntimeException e) {
            return List.of(PrerequisiteCheck.fail(id, "checking failed: " + Errors.oneLine(e.getMessage()),
                    "run with -v for details"));
        }
    }

    private static String join(String a, String b) {
        return a == null || a.isBlank() ? b : a + "; " + b;
    }

    private static void print(Session session, List<PrerequisiteCheck> checks) {
        session.print(() -> checks.stream().map(c -> Json.object("name", c.name(), "status", c.status().name(),
                "detail", c.detail(), "hint", c.hint())).toList(), out -> {
            boolean color = session.colorOut();
            int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(4);
            for (PrerequisiteCheck c : checks) {
                String status = String.format("%-4s", c.status().name());
                if (color) {
                    String code = switch (c.status()) {
                        case PASS -> "32";
                        case WARN -> "33";
                        case FAIL -> "31";
                    };
                    status = "\u001b[" + code + "m" + status + "\u001b[0m";
                }
                String line = status + "  " + String.format("%-" + width + "s", c.name()) + "  " + c.detail()
                        + (c.hint() == null || c.hint().isBlank() || c.status() == Status.PASS ? ""
                        : " -> " + c.hint());
                out.println(line.stripTrailing());
            }
        });
    }
}
