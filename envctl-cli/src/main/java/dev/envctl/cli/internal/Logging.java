package dev.envctl.cli.internal;

/**
 * Configures slf4j-simple before the first logger exists: everything to stderr, WARN by default, INFO with
 * {@code -v}, DEBUG with {@code -vv}, only ERROR with {@code -q}. A level set with {@code -D} is kept.
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
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
