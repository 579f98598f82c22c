package dev.envctl.store.jdbc.internal;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {
    @Test
    void flywaysMultiLineTextIsKeptToItsFirstMeaningfulLineAndTheServers() {
        String line = Failures.flywayLine(new FlywaySqlException("Unable to lock the table",
                new SQLException("ERROR: canceling statement due to lock timeout\n  Where: SQL statement", "55P03")));

        assertThat(line).isEqualTo("Unable to lock the table: ERROR: canceling statement due to lock timeout");
    }

    @Test
    void flywaysAdviceToRunWithDashXIsLeftOut() {
        String line = Failures.flywayLine(new FlywayException("Run Flyway with -X option to see the actual error "
                + "causing the failure\n-------\nValidate failed: Migrations have failed validation\nDetected applied "
                + "migration not resolved locally: 3."));

        assertThat(line).isEqualTo("Validate failed: Migrations have failed validation");
    }
}
