package dev.envctl.cli.internal;

import java.util.Map;

/** Store locations as users type them: a leading {@code ~/} (also after {@code csv:}) means the home folder. */
final class Locations {
    private Locations() {
    }

    static String expand(String location, Map<String, String> env) {
        String s = location.strip();
        String home = ConfigResolver.home(env).toString();
        if (s.startsWith("~/")) {
            return home + s.substring(1);
        }
        if (s.regionMatches(true, 0, "csv:~/", 0, 6)) {
            return s.substring(0, 4) + home + s.substring(5);
        }
        return s;
    }
}
