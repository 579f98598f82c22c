package dev.envctl.cli.internal;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.EnvironmentFilter;
import dev.envctl.core.Host;
import dev.envctl.core.Redaction;
import dev.envctl.core.Validation;
import dev.envctl.core.alloc.Placement;
import dev.envctl.core.lifecycle.HostProviders;
import dev.envctl.core.provider.DockerIdentity;
import dev.envctl.core.provider.ToolRunner;
import dev.envctl.core.spi.EnvironmentStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * {@code envctl host add NAME --docker ENDPOINT [--address ADDR] [--label K=V]... [--capacity N]},
 * {@code envctl host list} and {@code envctl host remove NAME}: the Docker hosts of the store. Every argument is
 * checked before the store is written.
 */
@Parameters(commandNames = "host",
        commandDescription = "Docker hosts of the store: 'host add NAME --docker ENDPOINT' adds one (exit 4 when "
        + "the name is taken), 'host list' shows each with its environments, 'host remove NAME' removes one "
        + "(exit 4 while environments live there, or for local)")
final class HostCommand extends CliCommand {
    static final String USAGE = "usage: envctl host add NAME --docker ENDPOINT [--address ADDR] [--label KEY=VALUE]... "
            + "[--capacity N] | envctl host list | envctl host remove NAME";

    /** Why {@code add} compares the new host's Docker daemon with the other hosts'. */
    private static final String TWICE = "one daemon under two names has its ports given twice";

    @Parameter(names = "--docker", description = "add: the Docker endpoint, as DOCKER_HOST takes it (unix://PATH, "
            + "tcp://HOST[:PORT], ssh://[USER@]HOST[:PORT][/SOCKET], npipe://PATH) or context:NAME for a docker "
            + "context")
    String docker;

    @Parameter(names = "--address", description = "add: the address clients reach the host's published ports and "
            + "Kubernetes API at (an IP address of that machine); without it the API listens on 127.0.0.1 of that "
            + "machine")
    String address;

    @Parameter(names = "--label", description = "add: label KEY=VALUE for 'create --host auto --host-selector'; "
            + "repeat for more", splitter = WholeValue.class)
    List<String> labels = new ArrayList<>();

    @Parameter(names = "--capacity", description = "add: the most environments the host takes; default: as many "
            + "as its port pools hold")
    Integer capacity;

    @Parameter(description = "add NAME|list|remove NAME")
    List<String> args = new ArrayList<>();

    @Override
    int run(Session session) {
        noUnknownOptions(args);
        String action = args.isEmpty() ? "" : args.get(0);
        switch (action) {
            case "add" -> add(session, toHost(nameArgument("add")));
            case "list" -> {
                arguments("list", 1);
                addOnly("list");
                list(session);
            }
            case "remove" -> {
                String name = nameArgument("remove");
                addOnly("remove");
                remove(session, name);
            }
            default -> throw new UsageException("host takes an action, add, list or remove" + got(args) + "; "
                    + USAGE);
        }
        return 0;
    }

    private String nameArgument(String action) {
        arguments(action, 2);
        return Validation.requireHostName(args.get(1));
    }

    private void arguments(String action, int count) {
        if (args.size() != count) {
            throw new UsageException("host " + action + " takes " + (count == 1 ? "no arguments"
                    : "one host NAME") + (args.size() == 1 ? ", got none" : got(args.subList(1, args.size()))) + "; "
                    + USAGE);
        }
    }

    /** The flags of {@code add} given to another action are a mistake, not something to ignore. */
    private void addOnly(String action) {
        List<String> given = Stream.of(docker == null ? null : "--docker", address == null ? null : "--address",
                labels.isEmpty() ? null : "--label", capacity == null ? null : "--capacity")
                .filter(Objects::nonNull).toList();
        if (!given.isEmpty()) {
            throw new UsageException(String.join(", ", given) + " only go" + (given.size() == 1 ? "es" : "")
                    + " with 'host add', not 'host " + action + "'; " + USAGE);
        }
    }

    /** The host {@code add} describes; every field checked, as for any host being added. */
    Host toHost(String name) {
        if (docker == null || docker.isBlank()) {
            String needs = "host add needs --docker ENDPOINT (unix://PATH, tcp://HOST[:PORT], "
                    + "ssh://[USER@]HOST[:PORT][/SOCKET], npipe://PATH or context:NAME); " + USAGE;
            // the flag left out is a usage error; given empty, a bad value
            throw docker == null ? new UsageException(needs) : EnvctlException.invalid(needs);
        }
        if (name.equals(Host.LOCAL_NAME)) {
            throw EnvctlException.conflict("host 'local' is built in (the Docker daemon envctl runs against); add "
                    + "another daemon under another name");
        }
        if (address != null && (address.isBlank() || !Validation.isIpAddress(address.strip()))) {
            throw EnvctlException.invalid("--address " + (address.isBlank() ? "is empty" : "'"
                    + Validation.printable(address) + "' is not an IP address") + "; give an IPv4 or IPv6 address of "
                    + "that machine, such as 192.168.1.20 (k3d and kind bind the Kubernetes API to it and take no "
                    + "host names), or leave the flag out");
        }
        if (address != null) {
            Validation.unreachableAddress(address.strip()).ifPresent(why -> {
                throw EnvctlException.invalid("--address '" + address.strip() + "' " + why + "; give an IPv4 or IPv6 "
                        + "address of that machine, such as 192.168.1.20, or leave the flag out");
            });
        }
        if (capacity != null && capacity < 1) {
            throw EnvctlException.invalid("--capacity " + capacity + " is out of range; allowed: 1 or more (leave "
                    + "it out for no limit but the port pools)");
        }
        return new Host(name, docker.strip(), address == null ? null : address.strip(),
                SpecOptions.parsePairs(labels, "label", "gpu=true"), capacity).requireAddable();
    }

    private static void add(Session session, Host host) {
        session.format();
        Host added = session.store().addHost(host);
        session.print(() -> toJson(added, 0), out -> out.println("added host " + added.name() + " ("
                + added.docker() + ")"));
        sameDaemon(session, added);
    }

    /**
     * Warns when {@code added}'s Docker daemon answers as the one of {@code local} or of another host: one daemon
     * under two names has its ports given twice. The daemons are asked at once, for {@link DockerIdentity#TIMEOUT}
     * in all; a warning names each host whose daemon did not answer by then, as not compared.
     */
    private static void sameDaemon(Session session, Host added) {
        String notCompared = "host " + added.name() + " was not compared with the Docker daemons of the other hosts: ";
        if (new ToolRunner(session.env()).find("docker").isEmpty()) {
            session.warn(notCompared + "docker is not on PATH to ask them who they are; add each daemon once ("
                    + TWICE + ")");
            return;
        }
        SameDaemon.Finding found = SameDaemon.check(added, session.store().hosts(),
                h -> DockerIdentity.of(HostProviders.environmentFor(h, session.env())), DockerIdentity.TIMEOUT);
        String within = "did not answer 'docker info' (it failed, or gave no answer within "
                + DockerIdentity.TIMEOUT.toSeconds() + " s)";
        if (found.identity().isEmpty()) {
            session.warn(notCompared + "its own " + within + "; add each daemon once (" + TWICE + ")");
            return;
        }
        found.same().ifPresent(other -> session.warn("host " + added.name() + " answers as the Docker daemon of "
                + "host " + other.name() + " (" + found.identity().get() + "): " + TWICE + "; unless they are two "
                + "daemons after all, remove it: envctl host remove " + added.name()));
        List<String> unanswered = found.unanswered().stream().map(Host::name).toList();
        if (!unanswered.isEmpty()) {
            boolean one = unanswered.size() == 1;
            session.warn("host " + added.name() + " was not compared with host" + (one ? " " : "s ")
                    + String.join(", ", unanswered) + ": " + (one ? "its Docker daemon " : "their Docker daemons ")
                    + within + "; if " + (one ? "it" : "one of them") + " is the daemon of " + added.name()
                    + ", remove it: envctl host remove " + added.name() + " (" + TWICE + ")");
        }
    }

    private static void list(Session session) {
        session.format();
        EnvironmentStore store = session.readStore();
        List<Host> hosts = store.hosts();
        Map<String, Integer> counts = Placement.perHost(store.list(EnvironmentFilter.ALL));
        session.print(() -> hosts.stream().map(h -> toJson(h, counts.getOrDefault(h.name(), 0))).toList(),
                out -> table(hosts, counts).print(out));
    }

    private static void remove(Session session, String name) {
        session.format();
        EnvironmentStore store = session.store();
        Hosts.require(store, name);
        if (!store.removeHost(name)) {
            throw Host.unknown(name, store.hosts().stream().map(Host::name).toList());
        }
        session.print(() -> Json.object("name", name, "removed", true), out -> out.println("removed host " + name));
    }

    /** NAME DOCKER ADDRESS LABELS CAPACITY ENVIRONMENTS; absent values {@code -}. */
    static TextTable table(List<Host> hosts, Map<String, Integer> environments) {
        TextTable t = new TextTable("NAME", "DOCKER", "ADDRESS", "LABELS", "CAPACITY", "ENVIRONMENTS");
        for (Host h : hosts) {
            t.row(h.name(), docker(h), h.address(), EnvironmentView.pairs(h.labels()), h.capacity(),
                    environments.getOrDefault(h.name(), 0));
        }
        return t;
    }

    /**
     * The host's Docker endpoint as printed: {@code host add} refuses one with a password, but a store keeps what a
     * hand edit put there ({@code ?password=}), which is never shown.
     */
    static String docker(Host h) {
        return Redaction.redactLocation(h.docker());
    }

    /** One host in the shape docs/fleet.md gives: every field present, absent values {@code null}. */
    static Map<String, Object> toJson(Host h, int environments) {
        return Json.object("name", h.name(), "docker", docker(h), "address", h.address(),
                "labels", h.labels(), "capacity", h.capacity(), "environments", environments);
    }
}
