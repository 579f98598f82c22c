package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.ActualState;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Validation;
import dev.envctl.core.spi.EnvironmentStore;

/** {@code envctl list}: the environments of the store, by name, optionally filtered. */
@Parameters(commandNames = "list",
        commandDescription = "List environments (table columns NAME PROVIDER STATE SUBNET HTTP HTTPS PF API AGE, "
        + "and HOST once the store has a host besides local)")
final class ListCommand extends CliCommand {
    @Parameter(names = "--provider", description = "Only environments of this provider (k3d, kind, ...)")
    String provider;

    @Parameter(names = "--state", description = "Only environments in this actual state: unknown, creating, "
            + "running, stopped, failed, deleting")
    String state;

    @Parameter(names = "--host", description = "Only environments on this host (see 'envctl host list')")
    String host;

    @Override
    int run(Session session) {
        session.format();
        EnvironmentFilter filter = new EnvironmentFilter(provider == null ? null : SpecOptions.providerId(provider),
                null, state == null ? null : ActualState.ofKey(state.strip()));
        String onHost = host == null ? null : Validation.requireHostName(host.strip());
        EnvironmentStore store = session.readStore();
        if (onHost != null) {
            Hosts.require(store, onHost);
        }
        EnvironmentView.print(session, store, store.list(filter.withHost(onHost)), false, false);
        return 0;
    }
}
