package dev.envctl.cli.internal;

import dev.envctl.core.ErrorCode;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.Charset;

/**
 * Standard output for a command's results, as {@code System.out} writes it (file descriptor 1, its charset), that
 * remembers why a write failed: {@code System.out} only says that one did. A full disk or a closed stdout is then an
 * error ({@link #finish}); a reader that went away ({@code envctl list | head -1}) is not, since whether envctl's last
 * writes still find it there is a matter of timing. Not thread-safe.
 */
public final class Stdout extends FilterOutputStream {
    private final PrintStream stream;
    private IOException failure;

    public Stdout() {
        super(new FileOutputStream(FileDescriptor.out));
        // the charset System.out has: stdout.encoding from Java 18, sun.stdout.encoding (or none) on Java 17
        String name = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        Charset charset = name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
        stream = new PrintStream(new BufferedOutputStream(this, 8192), true, charset);
    }

    /** Where the results are printed. */
    public PrintStream stream() {
        return stream;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            failure = failure == null ? e : failure;
            throw e;
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Writes what is left and returns the exit code of the run that returned {@code code}: that code, or 1 with one
     * line on {@code err} when its results could not all be written but for a reader that went away.
     */
    public int finish(int code, PrintStream err) {
        stream.flush();
        if (failure == null || failure.getMessage() != null && failure.getMessage().equals(brokenPipe())) {
            return code;
        }
        err.println("envctl: could not write the results to standard output: " + failure.getMessage()
                + "; the command ran to its end ('envctl list' shows the environments as it left them)");
        return code == 0 ? ErrorCode.FAILURE.exitCode() : code;
    }

    /** The message of a write to a pipe without a reader, in the system's words and language (EPIPE's). */
    private static String brokenPipe() {
        try {
            Pipe pipe = Pipe.open();
            pipe.source().close();
            try (Pipe.SinkChannel sink = pipe.sink()) {
                sink.write(ByteBuffer.allocate(1));
            }
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
