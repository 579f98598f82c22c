package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.HostPorts;
import dev.envctl.core.Remedy;
import dev.envctl.core.lifecycle.internal.HookRunner;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {
    private static final String NETWORK_GONE = "k3d cluster start failed; its Docker network k3d-dev is gone (removed "
            + "while the cluster was stopped), and Docker cannot start containers whose network was removed: "
            + Environment.RECREATE_ADVICE;
    private static final String HOOKS = "hook 'haproxy' failed in post-create: reload failed";

    private static Environment stopped(String lastError) {
        Instant t = Instant.parse("2026-11-26T08:00:00Z");
        return new Environment("dev", "k3d", null, new HostPorts(18080, 18400, 19000, 26443), 30080, Map.of(),
                Map.of(), DesiredState.STOPPED, ActualState.STOPPED, lastError, t, t, 4, "local");
    }

    private static String failedStart(Environment e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = new Session(out, out, Map.of(), new GlobalOptions());

        assertThat(Errors.failed(session, "starting dev", e, "fix the cause and run 'envctl start dev' again"))
                .isEqualTo(6);
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void aStartWhoseNetworkIsGoneAdvisesOnlyANewEnvironment() {
        Environment failed = stopped(null).withActualState(ActualState.FAILED, NETWORK_GONE);

        assertThat(failedStart(failed)).isEqualTo("envctl: starting dev failed: " + NETWORK_GONE);
    }

    /** The post-create hooks' failure kept after the start's own error does not bring back the advice to retry. */
    @Test
    void aStartWhoseNetworkIsGoneAdvisesOnlyANewEnvironmentAlsoWithPostCreateHooksStillToRun() {
        Environment pending = stopped(HOOKS);
        Environment failed = pending.withActualState(ActualState.FAILED,
                HookRunner.keepingPendingHooks(pending, NETWORK_GONE));

        assertThat(failedStart(failed)).startsWith("envctl: starting dev failed: " + NETWORK_GONE + ";")
                .endsWith(HOOKS).doesNotContain("run 'envctl start dev' again");
    }

    @Test
    void anyOtherFailedStartSaysToRunItAgain() {
        Environment pending = stopped(HOOKS);
        Environment failed = pending.withActualState(ActualState.FAILED,
                HookRunner.keepingPendingHooks(pending, "k3d cluster start failed: port is already allocated"));

        assertThat(failedStart(failed)).endsWith(HOOKS + "; fix the cause and run 'envctl start dev' again");
    }

    /** The config-key hint of a setting to fix comes only with a message that names a store option. */
    @Test
    void aSettingToFixIsToldAsAConfigKeyOnlyWhereTheMessageNamesAStoreOption() {
        String key = " (a store option is the config key store.OPTION, such as store.jdbc.user)";

        assertThat(Errors.hint(Remedy.FIX_STORE_SETTINGS, "PostgreSQL store jdbc:postgresql://db/envctl refused the "
                + "login: FATAL: ...; check the user (jdbc.user, the URL's user parameter or PGUSER)")).isEqualTo(key);
        assertThat(Errors.hint(Remedy.FIX_STORE_SETTINGS, "schema is behind; open it with jdbc.migrate=read"))
                .isEqualTo(key);
        // the fix is in the URL: its database, sslmode or options; a host name with jdbc in it is no option
        assertThat(Errors.hint(Remedy.FIX_STORE_SETTINGS, "PostgreSQL store jdbc:postgresql://pg.jdbc.example/nodb "
                + "has no such database: FATAL: ...; create it (createdb) or correct the database name in the URL"))
                .isEmpty();
        assertThat(Errors.hint(Remedy.FIX_STORE_SETTINGS, "PostgreSQL store jdbc:postgresql://db/envctl?options=-c"
                + "%20x%3D1 refused a setting: FATAL: ...; correct or remove it in the URL's options parameter"))
                .isEmpty();
        assertThat(Errors.hint(Remedy.MIGRATE_SCHEMA, "the schema is behind")).isEqualTo(" (envctl db migrate)");
        assertThat(Errors.hint(null, "anything")).isEmpty();
    }

    /**
     * A provider's message names its setting in library terms ("the k3d provider setting 'binary'"); the CLI adds the
     * config key that holds it, which is what its user edits.
     */
    @Test
    void aProviderSettingAMessageNamesIsToldAsItsConfigKey() {
        assertThat(Errors.withConfigKey("k3d not found: no executable 'k3d' on PATH; install it (https://k3d.io/stable/"
                + "#installation) or set the k3d provider setting 'binary' to its path")).isEqualTo("k3d not found: no "
                + "executable 'k3d' on PATH; install it (https://k3d.io/stable/#installation) or set the k3d provider "
                + "setting 'binary' (config key provider.k3d.binary) to its path");
        assertThat(Errors.withConfigKey("docker not found: no executable 'docker' on PATH; install it (...) or set the "
                + "kind provider setting 'docker-binary' to its path")).endsWith("set the kind provider setting "
                + "'docker-binary' (config key provider.kind.docker-binary) to its path");
        assertThat(Errors.withConfigKey("Docker does not answer")).isEqualTo("Docker does not answer");
    }

    @Test
    void aFileThatCannotBeReadSaysWhyNotOnlyItsNameAgain() {
        Path file = Path.of("/home/me/envs.yaml");

        assertThat(Errors.unreadable("apply file", file, new AccessDeniedException(file.toString())).getMessage())
                .isEqualTo("cannot read apply file /home/me/envs.yaml: permission denied");
        assertThat(Errors.unreadable("config file", file, new FileSystemException(file.toString(), null,
                "Input/output error")).getMessage())
                .isEqualTo("cannot read config file /home/me/envs.yaml: Input/output error");
    }
}
