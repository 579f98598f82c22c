package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code envctl get NAME}: one environment, its table with OPTIONS after AGE (HOST, when shown, stays last); exit 3
 * when there is none of that name.
 */
@Parameters(commandNames = "get",
        commandDescription = "Show one environment (the list's columns, with OPTIONS after AGE)")
final class GetCommand extends CliCommand {
    @Parameter(description = "NAME")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        String name = oneName(args);
        session.format();
        var store = session.readStore();
        EnvironmentView.print(session, store, List.of(session.get(store, name)), true, true);
        return 0;
    }
}
