package dev.envctl.cli.internal;

import java.util.List;

/** Every command, in the order {@code envctl --help} lists them. */
final class Commands {
    private Commands() {
    }

    static List<CliCommand> all(GlobalOptions global) {
        return List.of(new CreateCommand(global), new DeleteCommand(global), new ListCommand(global),
                new GetCommand(global), new ApplyCommand(global), new ReconcileCommand(global),
                new MigrateCommand(global), new DbCommand(global), new DoctorCommand(global),
                new PluginsCommand(global), new VersionCommand(global));
    }
}
