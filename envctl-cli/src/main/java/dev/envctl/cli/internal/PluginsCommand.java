package dev.envctl.cli.internal;

import com.beust.jcommander.Parameters;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.plugin.PluginInfo;

import java.util.List;
import java.util.Map;

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
        try {
            // a provider factory that makes no provider shows only when asked for one (without settings: no config)
            HostProviders made = HostProviders.fromFactories(session.plugins(), Map.of(), session.env());
            session.plugins().providerIds().forEach(id -> made.failure(id).ifPresent(session::warn));
        } catch (EnvctlException e) {
            // two factories with one id, warned about above, or one that needs a setting: not a broken plugin
        }
        session.print(() -> plugins.stream().map(p -> Json.object("kind", p.kind(), "id", p.id(),
                "class", p.className(), "source", p.source())).toList(), out -> {
            TextTable t = new TextTable("KIND", "ID", "CLASS", "SOURCE");
            plugins.forEach(p -> t.row(p.kind(), p.id(), p.className(), p.source()));
            t.print(out);
        });
        return 0;
    }
}
