package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.spi.EnvironmentStoreFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code envctl db migrate} adopts the replaced system's {@code clusters} table if there is one and applies the
 * pending Flyway migrations; {@code envctl db info} shows the schema version and every migration. PostgreSQL
 * store only. The PostgreSQL store's own types are used in {@link JdbcAccess} only: JCommander reflects over this
 * class, and a method here with one of them in its signature would load JDBC classes for every command.
 */
@Parameters(commandDescription = "PostgreSQL store schema: 'db migrate' applies pending migrations (adopting the "
        + "replaced system's clusters table), 'db info' shows versions")
final class DbCommand implements CliCommand {
    @ParametersDelegate
    final GlobalOptions global;

    @Parameter(description = "migrate|info")
    List<String> args = new ArrayList<>();

    DbCommand(GlobalOptions global) {
        this.global = global;
    }

    @Override
    public String name() {
        return "db";
    }

    @Override
    public int run(Session session) {
        Args.noUnknownOptions(args, name());
        if (args.size() != 1 || !(args.get(0).equals("migrate") || args.get(0).equals("info"))) {
            throw EnvctlException.invalid("db takes one action, migrate or info" + (args.isEmpty() ? ""
                    : ", got '" + String.join(" ", args) + "'") + "; usage: envctl db migrate|info");
        }
        OutputFormat format = session.format();
        String location = Locations.expand(session.config().store(), session.env());
        EnvironmentStoreFactory factory = session.plugins().stores().storeFactoryFor(location);
        if (!Session.isJdbc(factory)) {
            throw JdbcAccess.notJdbc(session.redact(location));
        }
        Map<String, String> settings = session.storeSettings(factory);
        return JdbcAccess.db(session, format, args.get(0), location, settings);
    }
}
