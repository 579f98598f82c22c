package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text beyond ASCII (a label value, a store file's name) round-trips whatever the locale: in the C and POSIX locales,
 * or with none set, arguments are read and results written as UTF-8, as in a UTF-8 locale.
 */
class LocaleIT {
    @TempDir
    Path tmp;

    @Test
    void labelsAndFileNamesBeyondAsciiRoundTripInTheCAndPosixLocalesAndWithNone() throws Exception {
        Workspace ws = new Workspace(tmp);
        ws.env.remove("LANG");
        // a folder name beyond ASCII where this test's own JVM can pass one (its file names are UTF-8)
        Path store = tmp.resolve("UTF-8".equals(System.getProperty("sun.jnu.encoding")) ? "équipe/envs.csv"
                : "equipe/envs.csv");
        ws.env.put("ENVCTL_STORE", "csv:" + store);
        int n = 0;
        for (Map<String, String> locale : List.of(Map.of("LANG", "C"), Map.of("LC_ALL", "POSIX"),
                Map.<String, String>of(), Map.of("LANG", "C.UTF-8", "LC_CTYPE", "C"))) {
            String name = "web" + n++;
            Result created = ws.run(locale, "create", name, "--label", "team=café ☕", "-o", "json");
            assertThat(created.exit()).as(locale + ": " + created).isZero();

            Result got = ws.run(locale, "get", name, "-o", "json");

            assertThat(got.exit()).as(locale + ": " + got).isZero();
            assertThat(got.json().get("labels").get("team").asText()).as(locale.toString()).isEqualTo("café ☕");
            assertThat(created.json().get("labels").get("team").asText()).as(locale.toString()).isEqualTo("café ☕");
        }
        // as the CSV store writes a label value: UTF-8, its bytes beyond ASCII percent-encoded
        assertThat(Files.readString(store, StandardCharsets.UTF_8)).contains("team=caf%C3%A9")
                .contains("%E2%98%95").doesNotContain("%EF%BF%BD");
    }
}
