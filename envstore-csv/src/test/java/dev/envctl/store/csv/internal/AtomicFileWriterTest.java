package dev.envctl.store.csv.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replacement's mode and owner are set on the replacement itself, never through a link put at its name. */
class AtomicFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void aLinkPutAtTheReplacementsNameIsNotFollowedWhenItsModeIsSet() throws IOException {
        // whoever may write the folder could swap the replacement for a link between its write and its rename
        Path file = Files.writeString(dir.resolve("envs.csv"), "x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Path victim = Files.writeString(dir.resolve("victim"), "someone else's\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Path tmp = Files.createSymbolicLink(dir.resolve(".envs.csv.planted.tmp"), victim);

        assertThatThrownBy(() -> AtomicFileWriter.copyPermissions(file, tmp)).isInstanceOf(IOException.class);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(victim)).isEqualTo("someone else's\n");
    }
}
