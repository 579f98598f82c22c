package dev.envctl.core.alloc;

/**
 * Says whether a host port can be bound now, so that allocation skips ports another program holds (a dev
 * server on 18080, a container another tool published). It answers for the moment it is asked: a port can
 * still be taken between the probe and the tool's bind. Implementations are thread-safe.
 */
@FunctionalInterface
public interface PortProbe {
    /** Every port counts as bindable: allocation looks only at the store, as for a remote Docker host. */
    PortProbe NONE = port -> true;

    /**
     * This host: a port can be bound when a TCP socket binds it on the wildcard address (which fails while any
     * address of the host listens on it, as Docker's published ports do). The socket is closed at once. A port
     * that does not bind is tried once more after a moment: another envctl's own probe (a create running at the
     * same time) holds a port for microseconds, a listener holds it for good.
     */
    PortProbe LOCAL = new HostPortProbe();

    boolean canBind(int port);
}
