package dev.envctl.cli.internal;

/**
 * Configures slf4j-simple before the first logger exists: everything to stderr, WARN by default, INFO with
 * {@code -v}, DEBUG with {@code -vv}, only ERROR with {@code -q}. A level set with {@code -D} is kept. jOOQ's
 * logo and tip of the day, which it logs at INFO on first use, stay off: they would bury a {@code -v} run's own
 * lines (and, logged from the store's warm-up thread, could come before an error message).
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void configure(GlobalOptions options) {
        String level = options.debug() ? "debug" : options.verbose() ? "info" : options.quiet() ? "error" : "warn";
        setDefault("logFile", "System.err");
        setDefault("defaultLogLevel", level);
        setDefault("showThreadName", "false");
        setDefault("showDateTime", "false");
        setDefault("showShortLogName", "true");
        setDefault("levelInBrackets", "false");
        setDefaultProperty("org.jooq.no-logo", "true");
        setDefaultProperty("org.jooq.no-tips", "true");
    }

    private static void setDefault(String key, String value) {
        setDefaultProperty(PREFIX + key, value);
    }

    private static void setDefaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
