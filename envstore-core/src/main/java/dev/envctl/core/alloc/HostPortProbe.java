package dev.envctl.core.alloc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

/**
 * {@link PortProbe#LOCAL}: binds the port on the wildcard address and, when that fails, once more after a pause.
 * The bind and the pause are given to the constructor, so tests can count them. Thread-safe.
 */
final class HostPortProbe implements PortProbe {
    private final IntPredicate bindsNow;
    private final BooleanSupplier pause;

    HostPortProbe() {
        this(HostPortProbe::bindsNow, HostPortProbe::pause);
    }

    /**
     * @param bindsNow whether the port binds now
     * @param pause    waits between the two tries; false when the wait was interrupted (the port then counts as
     *                 not bindable)
     */
    HostPortProbe(IntPredicate bindsNow, BooleanSupplier pause) {
        this.bindsNow = Objects.requireNonNull(bindsNow, "bindsNow");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    @Override
    public boolean canBind(int port) {
        return bindsNow.test(port) || pause.getAsBoolean() && bindsNow.test(port);
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
