package dev.envctl.core.alloc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * {@link PortProbe#LOCAL}: binds the port on the wildcard address and, when that fails, once more after a pause,
 * unless the port failed both tries less than {@link #REMEMBERED} ago: then the first failed bind answers. Every
 * call binds, so a port its holder lets go counts as bindable at once. The bind, the pause and the clock are given
 * to the constructor, so tests can count them. Thread-safe.
 */
final class HostPortProbe implements PortProbe {
    /** How long a port that failed both tries is not waited for again. */
    static final long REMEMBERED = TimeUnit.SECONDS.toNanos(10);

    private final IntPredicate bindsNow;
    private final BooleanSupplier pause;
    private final LongSupplier nanoTime;
    /** Ports that failed both tries, and when (of {@link #nanoTime}). */
    private final Map<Integer, Long> failedBothTriesAt = new ConcurrentHashMap<>();

    HostPortProbe() {
        this(HostPortProbe::bindsNow, HostPortProbe::pause);
    }

    /**
     * @param bindsNow whether the port binds now
     * @param pause    waits between the two tries; false when the wait was interrupted (the port then counts as
     *                 not bindable)
     */
    HostPortProbe(IntPredicate bindsNow, BooleanSupplier pause) {
        this(bindsNow, pause, System::nanoTime);
    }

    HostPortProbe(IntPredicate bindsNow, BooleanSupplier pause, LongSupplier nanoTime) {
        this.bindsNow = Objects.requireNonNull(bindsNow, "bindsNow");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public boolean canBind(int port) {
        if (bindsNow.test(port)) {
            failedBothTriesAt.remove(port);
            return true;
        }
        Long since = failedBothTriesAt.get(port);
        if (since != null && nanoTime.getAsLong() - since < REMEMBERED) {
            return false;
        }
        if (!pause.getAsBoolean()) {
            return false;
        }
        if (bindsNow.test(port)) {
            failedBothTriesAt.remove(port);
            return true;
        }
        failedBothTriesAt.put(port, nanoTime.getAsLong());
        return false;
    }

    /** Whether a TCP socket binds {@code port} on the wildcard address now; the socket is closed at once. */
    static boolean bindsNow(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** 20 ms; false, with the thread's interrupt flag set again, when interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(20);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
