package dev.envctl.core.exec;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One output stream of a command read as UTF-8 lines (ended by LF, CR or CRLF; a CR right after a line end ends no
 * line of its own, as a terminal shows none there), each handed to a consumer as it comes, of which only the last
 * are kept: at most {@link #MAX_LINES} lines and {@link #MAX_CHARS} characters, so a command that prints without end
 * (a hook running {@code yes}) costs a bounded amount of memory. A line longer than {@code MAX_CHARS} bytes is handed
 * on in pieces of that size. Thread-safe: the pump writes while the runner may already read what was kept (a
 * background process can hold the output open after the command exited).
 */
final class KeptLines extends OutputStream {
    static final int MAX_LINES = 100_000;
    static final int MAX_CHARS = 4 * 1024 * 1024;

    private final Consumer<String> each;
    private final ArrayDeque<String> kept = new ArrayDeque<>();
    private ByteArrayOutputStream line = new ByteArrayOutputStream(132);
    /** The last byte was a CR that ended a line: a LF now is the rest of that line end (CRLF). */
    private boolean afterCr;
    private long chars;
    private long leftOut;

    KeptLines(Consumer<String> each) {
        this.each = each;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (b[i] == '\n') {
                if (!afterCr) {
                    endLine(); // CRLF ends one line, as in Commons Exec's LogOutputStream
                }
                afterCr = false;
                i++;
                continue;
            }
            if (b[i] == '\r') {
                // a CR ends the text before it; after a line end (or at the start) there is none, and a CR there
                // only returns the carriage ("\n\r" is one line end, not a blank line after it)
                if (line.size() > 0) {
                    endLine();
                    afterCr = true;
                }
                i++;
                continue;
            }
            afterCr = false;
            int stop = i;
            int room = MAX_CHARS - line.size();
            while (stop < end && stop - i < room && b[stop] != '\n' && b[stop] != '\r') {
                stop++;
            }
            line.write(b, i, stop - i);
            if (line.size() >= MAX_CHARS) {
                endLine();
            }
            i = stop;
        }
    }

    /** Hands on a last line that has no line end (the pump flushes when the command's output ends). */
    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            endLine();
        }
    }

    @Override
    public void close() {
        flush();
    }

    /** The lines kept: the last ones. */
    synchronized List<String> lines() {
        return List.copyOf(kept);
    }

    /** How many lines, before those kept, were handed on but not kept. */
    synchronized long leftOut() {
        return leftOut;
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line = line.size() > 8192 ? new ByteArrayOutputStream(132) : line;
        line.reset();
        kept.addLast(text);
        chars += text.length();
        while (kept.size() > MAX_LINES || chars > MAX_CHARS) {
            chars -= kept.removeFirst().length();
            leftOut++;
        }
        each.accept(text);
    }
}
