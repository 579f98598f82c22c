package dev.envctl.cli.internal;

import com.beust.jcommander.Parameters;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.plugin.PluginInfo;
import dev.envctl.core.plugin.PluginRegistry;
import dev.envctl.core.spi.ClusterProviderFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code envctl plugins}: the stores, providers and hooks found on the class path, with classes and jars. */
@Parameters(commandNames = "plugins",
        commandDescription = "List the store, provider and hook plugins found, with their classes and jars")
final class PluginsCommand extends CliCommand {
    /** Lists what is installed whatever the config says: it is what a user runs when plugins break the config. */
    @Override
    boolean readsConfig() {
        return false;
    }

    @Override
    boolean reportsPluginProblems() {
        return true;
    }

    @Override
    int run(Session session) {
        session.format();
        List<PluginInfo> plugins = session.plugins().describe();
        session.plugins().problems().forEach(session::warn);
        Set<String> providers;
        try {
            providers = session.plugins().providerIds();
        } catch (EnvctlException e) {
            // two factories with one id, warned about above: none of them can be used
            providers = Set.of();
        }
        for (PluginInfo p : plugins) {
            if (p.kind().equals("provider") && providers.contains(p.id())) {
                checkProvider(session, p);
            }
        }
        session.print(() -> plugins.stream().map(p -> Json.object("kind", p.kind(), "id", p.id(),
                "class", p.className(), "source", p.source())).toList(), out -> {
            TextTable t = new TextTable("KIND", "ID", "CLASS", "SOURCE");
            plugins.forEach(p -> t.row(p.kind(), p.id(), p.className(), p.source()));
            t.print(out);
        });
        return 0;
    }

    /**
     * Warns when the factory of provider plugin {@code p} makes no provider, as it is asked for one without settings
     * (the config is not read); a factory that needs settings gets a line of its own, as it was not checked. Each
     * factory is asked on its own, so that one of them needing settings hides nothing about the others.
     */
    private static void checkProvider(Session session, PluginInfo p) {
        ClusterProviderFactory f = session.plugins().providerFactory(p.id());
        try {
            HostProviders.fromFactories(PluginRegistry.of(List.of(), List.of(f), List.of()), Map.of(), session.env())
                    .failure(p.id()).ifPresent(session::warn);
        } catch (EnvctlException e) {
            session.warn("the provider plugin '" + p.id() + "' (" + p.className() + ", " + p.source() + ") was not "
                    + "checked: it makes no provider without its settings (config keys provider." + p.id() + ".*), "
                    + "which plugins does not read: " + Errors.oneLine(e.getMessage()));
        }
    }
}
