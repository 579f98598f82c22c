package dev.envctl.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a prepared process of a test to its end: stdin empty (or a given file), stdout and stderr through files, 120 s at most. */
public final class Processes {
    private Processes() {
    }

    /** What the process printed and returned. */
    public record Output(int exit, String out, String err) {
    }

    /**
     * Starts {@code pb} with stdin from /dev/null and its output in files under {@code dir}, and waits for it.
     *
     * @param what the command for the failure message
     */
    public static Output run(ProcessBuilder pb, Path dir, String what) {
        return run(pb, dir, what, Path.of("/dev/null"));
    }

    /** {@link #run(ProcessBuilder, Path, String)} with stdin read from {@code stdin}. */
    public static Output run(ProcessBuilder pb, Path dir, String what, Path stdin) {
        pb.redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
        try {
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(what + " did not finish in 120 s");
            }
            Output o = new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
