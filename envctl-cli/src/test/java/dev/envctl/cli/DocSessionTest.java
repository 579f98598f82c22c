package dev.envctl.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DocSessionTest {

    @Test
    void readsCommandsTheirOutputAndExitCodesFromConsoleBlocksOnly() {
        DocSession s = DocSession.parse("p.md", String.join("\n",
                "Text", "", "```console", "$ envctl create dev", "created dev", "$ envctl get nope",
                "envctl: environment 'nope' not found in {path}", "[3]", "$ envctl list", "```", "",
                "```sh", "$ not run", "```", "```console real-tools", "$ not run either", "```", ""));

        assertThat(s.commands()).containsExactly(
                new DocSession.Command("envctl create dev", List.of("created dev"), 0, 4),
                new DocSession.Command("envctl get nope", List.of("envctl: environment 'nope' not found in {path}"),
                        3, 6),
                new DocSession.Command("envctl list", List.of(), 0, 9));
        assertThat(s.commands().get(2).checksOutput()).isFalse();
    }

    @Test
    void placeholdersSpacesAndEllipsisMatchWhatTheySay() {
        assertThat(DocSession.matches(List.of("dev  k3d  running  {port}  {age}"),
                List.of("dev    k3d       running  18080  3s"))).isTrue();
        assertThat(DocSession.matches(List.of("dev k3d"), List.of("dev k3d running"))).isFalse();
        assertThat(DocSession.matches(List.of("\"createdAt\":\"{time}\""),
                List.of("\"createdAt\":\"2026-11-26T08:00:00.123Z\""))).isTrue();
        assertThat(DocSession.matches(List.of("first", "...", "last"), List.of("first", "a", "b", "last"))).isTrue();
        assertThat(DocSession.matches(List.of("first", "...", "last"), List.of("first", "last"))).isTrue();
        assertThat(DocSession.matches(List.of("first", "...", "last"), List.of("first", "a"))).isFalse();
        assertThat(DocSession.matches(List.of("a.b (x)"), List.of("aXb (x)"))).as("regex characters are literal")
                .isFalse();
        assertThat(DocSession.matches(List.of("{any} in {path}"), List.of("not found in /tmp/x.csv"))).isTrue();
    }
}
