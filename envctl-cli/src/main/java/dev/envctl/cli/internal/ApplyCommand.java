package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.Envctl;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code envctl apply -f FILE}: makes the store match the file (missing environments created, labels and node
 * ports changed in place, with {@code --replace} environments whose cluster spec changed replaced, with
 * {@code --prune} those absent from the file marked for deletion), then converges them, and the listed ones a
 * converge still acts on ({@code failed}, a create or delete left unfinished, or {@code unknown}: nothing converged
 * it yet).
 */
@Parameters(commandNames = "apply",
        commandDescription = "Make the store match a file of environments (CSV in the Kindler scripts' "
        + "format, or a YAML/JSON list); a change that needs a new cluster is refused (exit 4) without --replace")
final class ApplyCommand extends FileCommand {
    private static final String USAGE = "usage: envctl apply -f FILE [--prune] [--replace] [--dry-run]";

    @Parameter(names = "--prune", description = "Delete the environments that are not in the file, and their clusters",
            validateWith = OnlyOnce.class)
    boolean prune;

    @Parameter(names = "--replace", description = "Delete and create again, under the same name, the environments "
            + "whose provider, host, host ports, subnet or provider options changed (new spec allocated first)",
            validateWith = OnlyOnce.class)
    boolean replace;

    @Parameter(names = "--dry-run", description = "Print the plan and the exact provider commands; change nothing",
            validateWith = OnlyOnce.class)
    boolean dryRun;

    @Override
    int run(Session session) {
        ApplyPlan plan = plan(session, USAGE, dryRun, prune);
        EnvironmentStore store = session.store();
        Envctl envctl = session.envctl();
        int code = dryRun ? Plans.print(session, envctl.dryRun(plan), plan.unchanged(), plan.adopting(), true) : 0;
        if (!replace) {
            try {
                plan.requireNoReplacement();
            } catch (EnvctlException e) {
                throw EnvctlException.conflict(e.getMessage() + " (envctl apply --replace)");
            }
        }
        if (dryRun) {
            return code;
        }
        // the providers the apply runs on local are checked before anything changes (a create placed by auto may
        // land there whenever local is a candidate: placement is made only as it is recorded); on another host a
        // daemon that does not answer fails only that host's environments, each outcome naming the host
        Set<String> onLocal = new LinkedHashSet<>();
        Host local = store.findHost(Host.LOCAL_NAME).orElse(Host.LOCAL);
        plan.toCreate().stream().filter(s -> s.host().hostName().equals(Host.LOCAL_NAME) || s.host().isAuto()
                        && local.matches(s.host().selector()) && !s.host().excluded().contains(Host.LOCAL_NAME))
                .forEach(s -> onLocal.add(s.provider()));
        for (ApplyPlan.Update u : plan.replacements()) {
            store.find(u.name()).ifPresent(e -> {
                if (e.host().equals(Host.LOCAL_NAME)) {
                    onLocal.add(e.provider());
                }
                if (u.host(e).equals(Host.LOCAL_NAME)) {
                    onLocal.add(u.spec().provider());
                }
            });
        }
        Stream.concat(plan.toDelete().stream(), plan.toResume().stream()).forEach(n -> store.find(n)
                .filter(e -> e.host().equals(Host.LOCAL_NAME)).ifPresent(e -> onLocal.add(e.provider())));
        onLocal.forEach(p -> Engines.requireReady(session, p, Host.LOCAL_NAME, true));
        ReconcileReport report = envctl.apply(plan, replace, session.progress());
        // every change is recorded before any converge; after a signal the engine begins no other: those it left out
        // of the report need a reconcile
        session.interruption().notBegun(Stream.of(plan.toCreate().stream().map(EnvironmentSpec::name),
                        plan.replacements().stream().map(ApplyPlan.Update::name), plan.toDelete().stream(),
                        plan.toResume().stream()).flatMap(s -> s).toList(),
                report.outcomes().stream().map(Outcome::name).collect(Collectors.toSet()), null);
        return ReportView.print(session, report);
    }
}
