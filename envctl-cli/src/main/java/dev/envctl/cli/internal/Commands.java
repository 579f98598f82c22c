package dev.envctl.cli.internal;

import java.util.List;

/** Every command, in the order {@code envctl --help} lists them. */
final class Commands {
    private Commands() {
    }

    static final List<String> NAMES = List.of("create", "delete", "stop", "start", "list", "get", "apply", "diff", "reconcile",
            "migrate", "db", "doctor", "plugins", "version");

    private static CliCommand create(String name, GlobalOptions global) {
        return switch (name) {
            case "create" -> new CreateCommand(global);
            case "delete" -> new DeleteCommand(global);
            case "stop" -> new StopStartCommand.Stop(global);
            case "start" -> new StopStartCommand.Start(global);
            case "list" -> new ListCommand(global);
            case "get" -> new GetCommand(global);
            case "apply" -> new ApplyCommand(global);
            case "diff" -> new DiffCommand(global);
            case "reconcile" -> new ReconcileCommand(global);
            case "migrate" -> new MigrateCommand(global);
            case "db" -> new DbCommand(global);
            case "doctor" -> new DoctorCommand(global);
            case "plugins" -> new PluginsCommand(global);
            case "version" -> new VersionCommand(global);
            default -> throw new IllegalArgumentException(name);
        };
    }

    static List<CliCommand> all(GlobalOptions global) {
        return NAMES.stream().map(n -> create(n, global)).toList();
    }
}
