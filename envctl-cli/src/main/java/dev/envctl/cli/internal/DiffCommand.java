package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.lifecycle.ApplyPlan;

/**
 * {@code envctl diff -f FILE}: the plan {@code apply -f FILE} would carry out, one line per environment that
 * differs or that apply would resume (a {@code failed} or {@code unknown} record, a create or delete left
 * unfinished); changes nothing. Exit 0 when apply has nothing to do, 1 when it has (as {@code kubectl diff}).
 */
@Parameters(commandNames = "diff",
        commandDescription = "Show what apply -f FILE would change, field by field, and change nothing; "
        + "exit 0 when apply has nothing to do, 1 when it has")
final class DiffCommand extends FileCommand {
    private static final String USAGE = "usage: envctl diff -f FILE [--prune]";

    @Parameter(names = "--prune", description = "Also show the environments apply --prune would delete",
            validateWith = OnlyOnce.class)
    boolean prune;

    @Override
    int run(Session session) {
        ApplyPlan plan = plan(session, USAGE, true, prune);
        Plans.print(session, session.envctl().dryRun(plan), plan.unchanged(), plan.adopting(), false);
        return plan.empty() ? 0 : 1;
    }
}
