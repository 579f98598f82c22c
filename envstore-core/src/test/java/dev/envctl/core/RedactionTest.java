package dev.envctl.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    @Test
    void aLocationHidesAPasswordWithSpacesOrAnyDelimiterWhole() {
        assertThat(Redaction.redactLocation("jdbc:postgresql://u:my s3cret@h:5432/db"))
                .isEqualTo("jdbc:postgresql://u:***@h:5432/db");
        assertThat(Redaction.redactLocation("jdbc:postgresql://u:my/s3c?ret@h/db"))
                .isEqualTo("jdbc:postgresql://u:***@h/db");
        assertThat(Redaction.redactLocation("jdbc:postgresql://h/db?user=u&password=my;s3 cret&sslmode=prefer"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&sslmode=prefer");
        assertThat(Redaction.redactLocation("jdbc:postgresql://h/db?password=my&s3cret"))
                .isEqualTo("jdbc:postgresql://h/db?password=***");
    }

    @Test
    void aLocationWithoutAPasswordIsKeptAsItIs() {
        for (String location : List.of("jdbc:postgresql://h/db", "jdbc:postgresql://h:5432/db?user=u",
                "jdbc:postgresql://h1:5432,h2:5433/db", "jdbc:postgresql://[::1]:5432/db", "jdbc:postgresql://h:5432",
                "jdbc:postgresql://h:5432/db?sslrootcert=/home/me@corp/ca.pem", "jdbc:postgresql://h/db?user=me@corp",
                "csv:/home/me/my envs.csv")) {
            assertThat(Redaction.redactLocation(location)).isEqualTo(location);
        }
    }

    @Test
    void aSentenceKeepsTheBracketThatClosesOneOpenedBeforeAHiddenPassword() {
        assertThat(Redaction.redact("host 'two' is slower (ssh://me@two?password=secret) than the others"))
                .isEqualTo("host 'two' is slower (ssh://me@two?password=***) than the others");
        assertThat(Redaction.redact("hosts [ssh://me@two?password=secret], done"))
                .isEqualTo("hosts [ssh://me@two?password=***], done");
        assertThat(Redaction.redact("(ssh://me@two?password=secret).")).isEqualTo("(ssh://me@two?password=***).");
        // a bracket of the password itself stays hidden, whole
        assertThat(Redaction.redact("(ssh://me@two?password=se)cr(et)) failed"))
                .isEqualTo("(ssh://me@two?password=***) failed");
        assertThat(Redaction.redact("ssh://me@two?password=secret) failed")).isEqualTo("ssh://me@two?password=*** "
                + "failed");
        assertThat(Redaction.redact("(ssh://me@two?password=(secret)")).isEqualTo("(ssh://me@two?password=***");
    }

    /**
     * A password may end in a ',' or a '.' (libpq's key=value strings and URL queries take both), so free text hides
     * one after a password with it; only a bracket the text opened before keeps its punctuation.
     */
    @Test
    void punctuationAfterAPasswordInASentenceIsHiddenWithIt() {
        assertThat(Redaction.redact("password=secret, then")).isEqualTo("password=*** then");
        assertThat(Redaction.redact("it said password=secret.")).isEqualTo("it said password=***");
        assertThat(Redaction.redact("[(ssh://me@two?password=secret)], done"))
                .isEqualTo("[(ssh://me@two?password=***)], done");
        assertThat(Redaction.redact("((ssh://me@two?password=secret)))")).isEqualTo("((ssh://me@two?password=***))");
    }
}
