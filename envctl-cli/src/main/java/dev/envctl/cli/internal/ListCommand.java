package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.envctl.core.ActualState;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Validation;

/** {@code envctl list}: the environments of the store, by name, optionally filtered. */
@Parameters(commandDescription = "List environments (table columns NAME PROVIDER STATE SUBNET HTTP HTTPS PF API AGE)")
final class ListCommand implements CliCommand {
    @ParametersDelegate
    final GlobalOptions global;

    @Parameter(names = "--provider", description = "Only environments of this provider (k3d, kind, ...)")
    String provider;

    @Parameter(names = "--state", description = "Only environments in this actual state: unknown, creating, "
            + "running, failed, deleting")
    String state;

    ListCommand(GlobalOptions global) {
        this.global = global;
    }

    @Override
    public String name() {
        return "list";
    }

    @Override
    public int run(Session session) {
        session.format();
        EnvironmentFilter filter = new EnvironmentFilter(provider == null ? null : Validation.requireProviderId(provider),
                null, state == null ? null : ActualState.ofKey(state));
        EnvironmentView.print(session, session.readStore().list(filter), false);
        return 0;
    }
}
