package dev.envctl.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What code wrote on {@code System.err}, where slf4j-simple logs: for tests of what envctl says there. */
public final class Stderr {
    private Stderr() {
    }

    /** What {@code run} wrote on {@code System.err} (which is put back after it, whatever it threw). */
    public static String of(Runnable run) {
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(err);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
