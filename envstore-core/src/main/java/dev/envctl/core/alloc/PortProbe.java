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
     * address of the host listens on it, as Docker's published ports do, and while a connection of the host uses it
     * as its own port, or did less than a minute ago: TCP's TIME_WAIT). The socket is closed at once. A port that
     * does not bind is tried once more after a moment: another envctl's own probe (a create running at the same time)
     * holds a port for microseconds, a listener holds it for good. A port that failed both tries is, for the next
     * 10 seconds, not tried again after a moment in this process: its first failed bind answers, so allocations one
     * after another (an apply of many environments) do not each wait for it. Every call binds: a port its holder
     * lets go counts as bindable at once.
     */
    PortProbe LOCAL = new HostPortProbe();

    boolean canBind(int port);
}
