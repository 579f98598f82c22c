package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Envctl;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.spi.EnvironmentStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code envctl apply -f FILE}: makes the desired states of the store match the file (missing environments
 * created, with {@code --prune} those absent from the file marked for deletion), then converges them.
 */
@Parameters(commandDescription = "Make the store match a file of environments (CSV in the Kindler scripts' "
        + "format, or a YAML/JSON list)")
final class ApplyCommand implements CliCommand {
    @ParametersDelegate
    final GlobalOptions global;

    @Parameter(names = {"-f", "--file"}, description = "The file of desired environments (.csv, .yaml, .yml, .json)")
    String file;

    @Parameter(names = "--prune", description = "Mark environments that are not in the file for deletion")
    boolean prune;

    @Parameter(names = "--dry-run", description = "Print the plan and the exact provider commands; change nothing")
    boolean dryRun;

    @Parameter(description = "")
    List<String> args = new ArrayList<>();

    ApplyCommand(GlobalOptions global) {
        this.global = global;
    }

    @Override
    public String name() {
        return "apply";
    }

    @Override
    public int run(Session session) {
        Args.noUnknownOptions(args, name());
        if (!args.isEmpty()) {
            throw EnvctlException.invalid("apply takes no arguments, got '" + String.join(" ", args)
                    + "'; usage: envctl apply -f FILE [--prune] [--dry-run]");
        }
        if (file == null || file.isBlank()) {
            throw EnvctlException.invalid("apply needs a file; usage: envctl apply -f FILE [--prune] [--dry-run]");
        }
        session.format();
        List<EnvironmentSpec> desired = EnvironmentFile.read(session, Path.of(file),
                session.config().defaultProvider());
        desired.forEach(s -> session.provider(s.provider()));
        EnvironmentStore store = session.store();
        Envctl envctl = session.envctl();
        ApplyPlan plan = envctl.plan(desired, prune);
        if (dryRun) {
            List<Plans.Step> steps = new ArrayList<>(Plans.creates(session, store, plan.toCreate(), true));
            plan.toDelete().forEach(n -> steps.add(Plans.delete(session, store.get(n))));
            return Plans.print(session, steps, plan.unchanged());
        }
        Set<String> providers = new LinkedHashSet<>();
        plan.toCreate().forEach(s -> providers.add(s.provider()));
        plan.toDelete().forEach(n -> store.find(n).ifPresent(e -> providers.add(e.provider())));
        providers.forEach(p -> Engines.requireReady(session, p));
        var report = envctl.apply(desired, prune, session.progress());
        ReportView.print(session, report);
        return ReportView.exitCode(report);
    }
}
