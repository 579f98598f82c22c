package dev.envctl.cli.internal;

import java.util.Map;

/**
 * Configures slf4j-simple before the first logger exists: everything to stderr, WARN by default, INFO with
 * {@code -v}, DEBUG with {@code -vv}, only ERROR with {@code -q}. A level set with {@code -D} is kept. jOOQ's
 * logo and tip of the day, which it logs at INFO on first use, stay off: they would bury a {@code -v} run's own
 * lines (and, logged from the store's warm-up thread, could come before an error message).
 *
 * <p>Flyway logs a failed rollback of a migration (its session ended by the server, say) at ERROR with stack traces,
 * after the failure envctl reports in its one line: that logger is off but with {@code -v} or {@code -vv}, where
 * stack traces belong.
 *
 * <p>A command that reports the plugins discovery skipped or could not create itself ({@code plugins},
 * {@code doctor}) turns off the warnings core logs about them (but with {@code -vv}), so each is said once.
 */
final class Logging {
    private Logging() {
    }

    static void configure(GlobalOptions options, boolean reportsPluginProblems) {
        String level = options.debug() ? "debug" : options.verbose() ? "info" : options.quiet() ? "error" : "warn";
        if (reportsPluginProblems && !options.debug()) {
            for (String logger : new String[] {"dev.envctl.core.plugin.PluginRegistry",
                    "dev.envctl.core.lifecycle.HostProviders"}) {
                System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log." + logger, "error");
            }
        }
        if (!options.verbose()) {
            System.getProperties().putIfAbsent(
                    "org.slf4j.simpleLogger.log.org.flywaydb.core.internal.jdbc.TransactionalExecutionTemplate", "off");
        }
        Map.of("org.slf4j.simpleLogger.logFile", "System.err",
                "org.slf4j.simpleLogger.defaultLogLevel", level,
                "org.slf4j.simpleLogger.showThreadName", "false",
                "org.slf4j.simpleLogger.showDateTime", "false",
                "org.slf4j.simpleLogger.showShortLogName", "true",
                "org.slf4j.simpleLogger.levelInBrackets", "false",
                "org.jooq.no-logo", "true",
                "org.jooq.no-tips", "true").forEach(System.getProperties()::putIfAbsent);
    }
}
