package dev.envctl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code envctl delete} of several names, of the packaged CLI on the default CSV store, with stand-in tools. */
class DeleteSeveralIT {
    @TempDir
    Path tmp;
    Workspace ws;

    @BeforeEach
    void setUp() {
        ws = new Workspace(tmp);
        ws.ok("create", "dev");
        ws.ok("create", "qa");
        ws.ok("create", "uat", "--provider", "kind");
        ws.clearCalls();
    }

    private List<List<String>> callsOf(String tool, String verb) {
        return ws.calls().stream().filter(c -> c.get(0).equals(tool) && c.contains(verb)).toList();
    }

    /** Each name said in the order given, a name given twice once; each provider checked once (docker info). */
    @Test
    void deletesEachNameAndSaysSoInTheOrderGiven() {
        Result r = ws.ok("delete", "uat", "dev", "qa", "dev");

        assertThat(r.out()).isEqualTo("deleted uat\ndeleted dev\ndeleted qa\n");
        assertThat(callsOf("docker", "info")).as("docker info, once for k3d and once for kind").hasSize(2);
        assertThat(callsOf("k3d", "delete")).hasSize(2);
        assertThat(ws.ok("list", "-o", "json").json()).isEmpty();
    }

    /**
     * A delete lists no clusters, of one name or of several: each tool is asked to delete (k3d and kind delete a
     * cluster that is already gone without failing), so several names share no listing because none is made.
     */
    @Test
    void aDeleteOfOneNameOrOfSeveralListsNoClusters() {
        ws.ok("delete", "qa");
        ws.ok("delete", "uat", "dev");

        assertThat(callsOf("k3d", "list")).isEmpty();
        assertThat(callsOf("kind", "get")).isEmpty();
        assertThat(callsOf("k3d", "delete")).hasSize(2);
        assertThat(callsOf("kind", "delete")).hasSize(1);
    }

    @Test
    void anUnknownNameIsExit3InWhateverOrderAndChangesNothing() {
        byte[] before = Workspace.bytes(ws.defaultStore());

        for (List<String> names : List.of(List.of("dev", "ghost"), List.of("ghost", "dev"))) {
            for (List<String> flags : List.of(List.<String>of(), List.of("--dry-run"), List.of("--forget"))) {
                List<String> args = new ArrayList<>(List.of("delete"));
                args.addAll(names);
                args.addAll(flags);
                Result r = ws.run(args.toArray(String[]::new));
                assertThat(r.exit()).as(r.toString()).isEqualTo(3);
                assertThat(r.errLines()).containsExactly("envctl: environment 'ghost' not found in "
                        + ws.defaultStore());
                assertThat(r.out()).isEmpty();
            }
        }
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).contains("delete"));
    }

    /** The one that fails keeps none of the others from being deleted; the records left are printed as list does. */
    @Test
    void whenOneOfSeveralFailsTheOthersAreDeletedAndTheRecordsLeftShown() {
        ws.flag("k3d-fail-delete");

        Result r = ws.run("delete", "dev", "uat");

        assertThat(r.exit()).as(r.toString()).isEqualTo(6);
        assertThat(r.out()).startsWith("NAME  PROVIDER  STATE ").doesNotContain("deleted");
        assertThat(r.out().lines().skip(1).map(l -> l.split(" +")[0] + " " + l.split(" +")[2]))
                .containsExactly("dev failed->absent");
        assertThat(r.err()).contains("envctl: deleting dev failed: ", "'envctl delete dev' again")
                .doesNotContain("deleting uat");
        assertThat(ws.run("get", "uat").exit()).isEqualTo(3);
    }

    @Test
    void severalNamesPrintAJsonArrayOfWhatOneNamePrints() {
        JsonNode one = ws.ok("delete", "qa", "-o", "json").json();
        assertThat(one.isObject()).isTrue();

        JsonNode several = ws.ok("delete", "dev", "uat", "--keep-record", "-o", "json").json();

        assertThat(several).extracting(o -> o.get("name").asText()).containsExactly("dev", "uat");
        assertThat(several).allSatisfy(o -> {
            assertThat(o.fieldNames()).toIterable().containsExactlyElementsOf(() -> one.fieldNames());
            assertThat(o.get("deleted").asBoolean()).isTrue();
            assertThat(o.get("record").get("desiredState").asText()).isEqualTo("absent");
        });
    }

    /** A password in a failed delete's last error is hidden in the record -o json prints, as in every other output. */
    @Test
    void theRecordOfAFailedDeleteHidesAPasswordInItsLastError() throws Exception {
        Path hook = Workspace.write(ws.home.resolve("my-hooks/pre-delete.d/10-deregister"), "#!/bin/sh\n"
                + "echo 'cannot reach postgresql://admin:hunter2@db.example/portal' >&2\nexit 3\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Workspace.write(ws.home.resolve(".envctl/config.properties"), "hooks.enabled=exec\nhook.exec.dir=~/my-hooks\n");

        for (List<String> names : List.of(List.of("dev"), List.of("qa", "uat"))) {
            List<String> args = new ArrayList<>(List.of("delete", "-o", "json"));
            args.addAll(names);
            Result r = ws.run(args.toArray(String[]::new));

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).as(r.toString()).contains("admin:***@db.example").doesNotContain("hunter2");
        }
    }

    @Test
    void aDryRunAndAForgetOfSeveralTakeEachName() {
        Result plan = ws.ok("delete", "dev", "uat", "--dry-run");
        assertThat(plan.out()).contains("delete dev (k3d)", "delete uat (kind)");
        assertThat(ws.calls()).noneSatisfy(c -> assertThat(c).contains("delete"));

        Result forgot = ws.ok("delete", "dev", "uat", "--forget");

        assertThat(forgot.out().lines()).extracting(l -> l.substring(0, l.indexOf(':')))
                .containsExactly("forgot dev", "forgot uat");
        assertThat(ws.ok("list", "-o", "json").json().findValuesAsText("name")).containsExactly("qa");
        assertThat(ws.ok("delete", "qa", "--forget", "-o", "json").json().isObject()).isTrue();
    }

    @Test
    void helpAndNoNameSayItTakesOneOrMore() {
        assertThat(ws.ok("delete", "--help").out()).startsWith("Usage: envctl delete [options] NAME...\n\n"
                + "Delete environments' clusters and their records\n");
        Result none = ws.run("delete");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("delete takes one or more environment NAMEs, got none");
    }
}
