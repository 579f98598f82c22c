package dev.envctl.cli.internal;

import java.util.List;

/** Every command, in the order {@code envctl --help} lists them. */
final class Commands {
    private Commands() {
    }

    /** A fresh instance of every command, each taking the options of {@code global} too. */
    static List<CliCommand> all(GlobalOptions global) {
        List<CliCommand> all = List.of(new CreateCommand(), new DeleteCommand(), new StopStartCommand.Stop(),
                new StopStartCommand.Start(), new ListCommand(), new GetCommand(), new ApplyCommand(),
                new DiffCommand(), new ReconcileCommand(), new HostCommand(), new MigrateCommand(), new DbCommand(), new DoctorCommand(),
                new PluginsCommand(), new VersionCommand());
        all.forEach(c -> c.global = global);
        return all;
    }
}
