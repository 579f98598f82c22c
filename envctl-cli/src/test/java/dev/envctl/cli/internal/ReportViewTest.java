package dev.envctl.cli.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.lifecycle.Action;
import dev.envctl.core.lifecycle.Outcome;
import dev.envctl.core.lifecycle.ReconcileReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportViewTest {
    /** What a failing hook printed, which its record's lastError and the report's error keep as it was. */
    private static final String HOOK_ERROR = "hook 'exec' failed in post-create: post-create.d/10-register failed "
            + "with exit code 1: psql: connection to postgresql://admin:S3cretPw@db.example:5432/ops failed; "
            + "password S3cretPw refused";

    private static String printed(String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GlobalOptions global = new GlobalOptions();
        global.output = format;
        Session session = new Session(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream()), Map.of("PGPASSWORD", "S3cretPw"), global);
        int exit = ReportView.print(session, new ReconcileReport(List.of(new Outcome("web", Action.FAILED,
                ActualState.FAILED, HOOK_ERROR)), List.of()));
        assertThat(exit).isEqualTo(1);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anErrorIsRedactedInJsonAsInTheTable() {
        assertThat(printed("table")).contains("postgresql://admin:***@db.example", "password *** refused")
                .doesNotContain("S3cretPw");
        assertThat(printed("json")).contains("postgresql://admin:***@db.example", "password *** refused")
                .doesNotContain("S3cretPw");
    }
}
