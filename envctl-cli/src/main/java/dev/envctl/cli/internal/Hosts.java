package dev.envctl.cli.internal;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.Host;
import dev.envctl.core.HostRequest;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The checks of host names the CLI makes before it writes anything. */
final class Hosts {
    private Hosts() {
    }

    /**
     * The host {@code name} of {@code store}, or an invalid-input error listing the hosts there are (for a host to
     * work on, such as {@code host remove}: nothing to add).
     */
    static Host require(EnvironmentStore store, String name) {
        return store.findHost(name).orElseThrow(() -> Host.unknown(name, store.hosts().stream().map(Host::name)
                .toList()));
    }

    /**
     * A request naming a host needs a host the store knows; {@code auto} is checked by the store. The error says how
     * to add it ({@link #unknown}).
     */
    static void requireKnown(EnvironmentStore store, HostRequest request) {
        if (namesAddedHost(request)) {
            requireKnown(store.hosts(), request, Optional.empty());
        }
    }

    /**
     * As {@link #requireKnown(EnvironmentStore, HostRequest)}, against {@code hosts}, the store's hosts, which a
     * caller with many requests (an apply file's environments) reads once: a CSV store reads its whole file for each.
     * {@code defined} is the host as the request's file defines it (a CSV file's {@code #envctl-host} line), which the
     * error gives as the command that adds it.
     */
    static void requireKnown(List<Host> hosts, HostRequest request, Optional<Host> defined) {
        if (namesAddedHost(request) && hosts.stream().noneMatch(h -> h.name().equals(request.name()))) {
            throw unknown(request.name(), hosts, defined);
        }
    }

    /** Whether {@code request} names a host other than {@code local}, which only a store that has it knows. */
    static boolean namesAddedHost(HostRequest request) {
        return request.isNamed() && !request.name().equals(Host.LOCAL_NAME);
    }

    /**
     * The error for a host {@code name} to place environments on that {@code hosts} lack, saying how to add it: the
     * exact {@code envctl host add} command when {@code defined} (a file's line for it) gives a host that command
     * takes, its words quoted for a shell; else the command with {@code ENDPOINT} to fill in.
     */
    static EnvctlException unknown(String name, List<Host> hosts, Optional<Host> defined) {
        Optional<Host> addable = defined.filter(Hosts::addable);
        String add = addable.map(h -> "add it as the file defines it: " + Plans.shell(addCommand(h)))
                .orElse("add it with: envctl host add " + name + " --docker ENDPOINT");
        return EnvctlException.invalid(Host.unknown(name, hosts.stream().map(Host::name).toList()).getMessage()
                + " (" + add + ")");
    }

    /** The argv of the {@code envctl host add} that adds {@code h} as it is. */
    static List<String> addCommand(Host h) {
        List<String> argv = new ArrayList<>(List.of("envctl", "host", "add", h.name(), "--docker", h.docker()));
        if (h.address() != null) {
            argv.addAll(List.of("--address", h.address()));
        }
        h.labels().forEach((key, value) -> argv.addAll(List.of("--label", key + "=" + value)));
        if (h.capacity() != null) {
            argv.addAll(List.of("--capacity", h.capacity().toString()));
        }
        return argv;
    }

    /** Whether {@code host add} takes {@code h} (a file's line may hold what it refuses, such as a password). */
    private static boolean addable(Host h) {
        if (h.docker() == null) {
            return false;
        }
        try {
            h.requireAddable();
            return true;
        } catch (EnvctlException e) {
            return false;
        }
    }

    /**
     * Refuses {@code desired} when a host its environments live on is, in the store ({@code hosts}, which know every
     * such host), another Docker daemon than the one the file defines ({@link Host#anotherDaemon}): its environments
     * would be made on that daemon without a word. The rule of {@code migrate}.
     */
    static void requireSameDaemons(Session session, String file, EnvironmentFile.Desired desired, List<Host> hosts,
                                   EnvironmentStore store) {
        for (Host defined : desired.hosts()) {
            if (desired.environments().stream().noneMatch(s -> defined.name().equals(s.host().name()))) {
                continue;
            }
            hosts.stream().filter(h -> h.name().equals(defined.name())).findFirst()
                    // list -o csv writes the store's host with a password in its endpoint hidden: still that host
                    .filter(h -> !Host.sameDaemon(printed(h), defined))
                    .flatMap(h -> Host.anotherDaemon(h, session.redact(store.location()), defined, "the file"))
                    .ifPresent(why -> {
                        throw EnvctlException.invalid("apply file " + file + ": " + why + "; if the two are one "
                                + "daemon, correct the file's #envctl-host line, else rename the host in the file "
                                + "(that line and its rows' host=) and add it to the store under the new name");
                    });
        }
    }

    /**
     * {@code h} as output shows it ({@code list -o csv}'s host lines): a password a hand edit put in its Docker endpoint
     * hidden ({@link HostCommand#docker}).
     */
    static Host printed(Host h) {
        return new Host(h.name(), HostCommand.docker(h), h.address(), h.labels(), h.capacity());
    }

    /** Whether {@code hosts} has a host besides {@code local}: then tables show a HOST column. */
    static boolean several(List<Host> hosts) {
        return hosts.stream().anyMatch(h -> !h.isLocal());
    }

    /** The hosts of {@code store} that {@code environments} live on, {@code local} left out. */
    static List<Host> of(EnvironmentStore store, List<Environment> environments) {
        List<String> names = environments.stream().map(Environment::host).filter(h -> !h.equals(Host.LOCAL_NAME))
                .distinct().sorted().toList();
        return names.isEmpty() ? List.of() : store.hosts().stream().filter(h -> names.contains(h.name())).toList();
    }
}
