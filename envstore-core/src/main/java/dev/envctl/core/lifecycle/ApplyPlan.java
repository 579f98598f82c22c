package dev.envctl.core.lifecycle;

import dev.envctl.core.ActualState;
import dev.envctl.core.AutoPorts;
import dev.envctl.core.DesiredState;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostPorts;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.Validation;
import dev.envctl.core.alloc.Allocation;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.HeldResources;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@link LifecycleEngine#apply} would change: a value, computed by {@link LifecycleEngine#plan} without
 * writing anything.
 *
 * @param toCreate  requests with no record yet, or whose record is desired {@code absent} (marked present again)
 * @param toUpdate  environments the list and the store both have whose fields differ, in name order
 * @param toDelete  names of records the list leaves out that are desired {@code present} or {@code stopped}, or
 *                  desired {@code absent} with their delete not carried out ({@link #deleteUnfinished}), in name
 *                  order (only with prune)
 * @param toResume  names the list and the store both have, with no field that differs or changed in place only
 *                  (those are in {@code toUpdate} too), whose record apply converges as reconcile would
 *                  ({@link #unfinished}, or {@code running} and desired {@code present} with its cluster listed
 *                  stopped with every node: stopped outside envctl, which the converge starts), in name order
 * @param unchanged names the list and the store both have, with no field that differs, that apply leaves alone, in
 *                  the order the list names them
 * @param adopting  the names of {@code toResume} whose record is {@code unknown} (or {@code failed} because its
 *                  adoption was refused, or lacking a host port) and desired {@code present}, and of
 *                  {@code toCreate} whose record is {@code unknown} and desired {@code absent} (its delete pending, or
 *                  kept with the spec the list asks for), whose cluster the provider lists running when the plan is
 *                  made: apply adopts each with the host ports its cluster publishes, as reconcile does, and
 *                  allocates it none from the pools; in name order
 */
public record ApplyPlan(List<EnvironmentSpec> toCreate, List<Update> toUpdate, List<String> toDelete,
                        List<String> toResume, List<String> unchanged, List<String> adopting) {
    public ApplyPlan {
        toCreate = List.copyOf(toCreate);
        toUpdate = List.copyOf(toUpdate);
        toDelete = List.copyOf(toDelete);
        toResume = List.copyOf(toResume);
        unchanged = List.copyOf(unchanged);
        adopting = List.copyOf(adopting);
    }

    /** A plan with no cluster to adopt among its resumes. */
    public ApplyPlan(List<EnvironmentSpec> toCreate, List<Update> toUpdate, List<String> toDelete,
                     List<String> toResume, List<String> unchanged) {
        this(toCreate, toUpdate, toDelete, toResume, unchanged, List.of());
    }

    /** A plan with nothing to resume. */
    public ApplyPlan(List<EnvironmentSpec> toCreate, List<Update> toUpdate, List<String> toDelete,
                     List<String> unchanged) {
        this(toCreate, toUpdate, toDelete, List.of(), unchanged);
    }

    /** True when applying would change nothing. */
    public boolean empty() {
        return toCreate.isEmpty() && toUpdate.isEmpty() && toDelete.isEmpty() && toResume.isEmpty();
    }

    /**
     * Whether a converge acts on {@code e} although its spec matches the list: it is {@code failed} (a create, hook,
     * stop or start failed), or a create or delete did not finish ({@code creating}, {@code deleting}: the process
     * died or the store went away meanwhile, or another process is at it, whose lock the converge then leaves it
     * to), or nothing has converged it yet ({@code unknown}: a row of the Kindler scripts, a record made without
     * converging), whose running cluster the converge adopts and whose missing one it creates, as reconcile does, or
     * a replacement was recorded and not finished ({@link LifecycleEngine#REPLACING_LABEL}, in any state: the process
     * died, or the store went away, before the converge deleted the old cluster), whose old cluster the converge
     * deletes and whose new one it creates.
     */
    public static boolean unfinished(Environment e) {
        return e.actualState() == ActualState.FAILED || e.actualState() == ActualState.CREATING
                || e.actualState() == ActualState.DELETING || e.actualState() == ActualState.UNKNOWN
                || replacing(e);
    }

    /**
     * Whether {@code e} carries the mark of a replacement an apply recorded and did not finish
     * ({@link LifecycleEngine#REPLACING_LABEL}): its converge deletes the old cluster the mark names, whatever runs.
     */
    public static boolean replacing(Environment e) {
        return e.labels().containsKey(LifecycleEngine.REPLACING_LABEL);
    }

    /**
     * Whether {@code e} is desired {@code absent} and a converge still deletes it: its delete was recorded (by a
     * delete, or a prune whose process was stopped before it carried it out) and not finished, or failed. A record a
     * delete kept once its cluster was gone ({@link LifecycleEngine#KEEP_RECORD_LABEL}, {@code unknown}) is not.
     */
    public static boolean deleteUnfinished(Environment e) {
        return e.desiredState() == DesiredState.ABSENT && !(e.actualState() == ActualState.UNKNOWN
                && e.labels().containsKey(LifecycleEngine.KEEP_RECORD_LABEL));
    }

    /** The updates that need a new cluster. */
    public List<Update> replacements() {
        return toUpdate.stream().filter(Update::replace).toList();
    }

    /**
     * {@code allocator}, never choosing automatically a port or subnet the creates or replacements of this plan ask
     * for by value ({@link Allocator#reserving}): an environment allocated first does not take what a later one
     * names.
     */
    public Allocator reserving(Allocator allocator) {
        return allocator.reserving(Stream.concat(toCreate.stream(), replacements().stream().map(Update::spec))
                .toList());
    }

    /**
     * {@code e} as apply leaves a record its list names and the store has desired absent (kept by
     * {@code delete --keep-record}, or a delete not carried out yet): desired present, without the label
     * {@link LifecycleEngine#KEEP_RECORD_LABEL}.
     */
    public static Environment markedPresent(Environment e) {
        Map<String, String> labels = new TreeMap<>(e.labels());
        labels.remove(LifecycleEngine.KEEP_RECORD_LABEL);
        return e.withDesiredState(DesiredState.PRESENT).withLabels(labels);
    }

    /**
     * Throws the error {@code apply} without replacement gives for this plan, when it needs one.
     *
     * @throws EnvctlException {@code CONFLICT} naming each environment to replace and its changes
     */
    public void requireNoReplacement() {
        List<Update> r = replacements();
        if (!r.isEmpty()) {
            throw EnvctlException.conflict(r.size() + (r.size() == 1 ? " environment needs" : " environments need")
                    + " a new cluster: " + r.stream().map(u -> u.name() + " (" + u.describe(true) + ")")
                    .collect(Collectors.joining(", ")) + "; nothing was changed; an apply that may replace deletes "
                    + (r.size() == 1 ? "it" : "them") + " and creates " + (r.size() == 1 ? "it" : "them")
                    + " again under the same name");
        }
    }

    /**
     * One environment whose record differs from its request.
     *
     * @param spec    the request
     * @param changes the fields that differ, in the order provider, ports, subnet, options, node port, labels
     */
    public record Update(EnvironmentSpec spec, List<FieldChange> changes) {
        public Update {
            Objects.requireNonNull(spec, "spec");
            changes = List.copyOf(changes);
        }

        /**
         * The update that makes a record kept by {@code delete --keep-record} ({@code kept}, which has no
         * cluster) what {@code spec} asks for, when the apply creates it again; empty when it already is, or when
         * {@code kept} is not such a record: its kept delete has not finished ({@code unknown}), as one another
         * process carries out or one that failed, so its cluster may exist and binds the ports recorded.
         */
        public static Optional<Update> ofKept(Environment kept, EnvironmentSpec spec) {
            if (kept.desiredState() != DesiredState.ABSENT || kept.actualState() != ActualState.UNKNOWN
                    || !kept.labels().containsKey(LifecycleEngine.KEEP_RECORD_LABEL)) {
                return Optional.empty();
            }
            // it has no cluster, all of it is made anew: any option that differs as text is a change
            List<FieldChange> changes = Apply.changes(kept, spec, id -> Optional.empty());
            return changes.isEmpty() ? Optional.empty() : Optional.of(new Update(spec, changes));
        }

        public String name() {
            return spec.name();
        }

        /** True when any change needs a new cluster. */
        public boolean replace() {
            return changes.stream().anyMatch(FieldChange::replace);
        }

        /** The changes as one line: {@code provider k3d -> kind, http 18080 -> 18090}; only replacing ones if asked. */
        public String describe(boolean onlyReplacing) {
            return changes.stream().filter(c -> c.replace() || !onlyReplacing).map(FieldChange::toString)
                    .collect(Collectors.joining(", "));
        }

        /**
         * {@code current} with the record-only changes: the labels the request gives set (others kept; keys
         * starting with {@code envctl.} are envctl's own and left as they are), its node port, and the options whose
         * change the provider makes in place ({@link dev.envctl.core.spi.ClusterProvider.OptionChange#IN_PLACE}).
         */
        public Environment inPlace(Environment current) {
            Map<String, String> labels = new TreeMap<>(current.labels());
            spec.labels().forEach((key, value) -> {
                if (!Validation.isOwnLabel(key)) {
                    labels.put(key, value);
                }
            });
            Map<String, String> options = new TreeMap<>(current.options());
            changes.stream().filter(c -> c.field().equals("option") && !c.replace())
                    .forEach(c -> options.put(c.key(), c.to()));
            return current.withLabels(labels).withNodePort(spec.nodePort()).withOptions(options);
        }

        /**
         * {@code current} with every change: {@link #inPlace}, then the provider, the options ({@link #options}), the
         * ports the request gives (the others kept, or allocated where one of the given ports is the record's port of
         * another role, where the record has none, or, for a move to another host, where that host holds the port
         * already), and the subnet (a CIDR, none, or for {@code auto} the record's own one or else the lowest free
         * block). States, times, version and host are kept. As for a
         * create, the ports allocated here are marked allocated by envctl ({@link AutoPorts}) and the ones given are
         * not; the kept ones stay as they were marked.
         *
         * @param others what the other environments hold on that host, and their subnets (never the record itself)
         * @throws EnvctlException {@code CONFLICT} when a given port or subnet is held by another environment,
         *                         {@code POOL_EXHAUSTED} when a pool has nothing free
         */
        public Environment resolve(Environment current, Allocator allocator, HeldResources others) {
            Environment e = AutoPorts.given(inPlace(current), spec);
            Map<PortRole, Integer> given = spec.ports().asMap();
            Map<PortRole, Integer> ports = new EnumMap<>(PortRole.class);
            ports.putAll(given);
            // a move to another host keeps a port the request leaves open only where that host has it free: the
            // ports were chosen on the old host, and the request left them to envctl
            boolean moving = !host(current).equals(current.host());
            current.ports().asMap().forEach((role, port) -> {
                if (!ports.containsKey(role) && !given.containsValue(port)
                        && !(moving && others.portHolder(port).isPresent())) {
                    ports.put(role, port);
                }
            });
            SubnetRequest subnet = spec.subnet().mode() == SubnetRequest.Mode.AUTO && current.subnet() != null
                    ? SubnetRequest.of(current.subnet()) : spec.subnet();
            Map<String, String> options = options(current);
            EnvironmentSpec wanted = new EnvironmentSpec(e.name(), spec.provider(), HostPorts.of(ports), subnet,
                    e.nodePort(), e.labels(), options);
            Allocation a = allocator.allocate(wanted, others);
            return AutoPorts.after(e, new Environment(e.name(), spec.provider(), a.subnet(), a.ports(), e.nodePort(),
                    e.labels(), options, e.desiredState(), e.actualState(), e.lastError(), e.createdAt(),
                    e.updatedAt(), e.version(), host(current)), AutoPorts.leftToEnvctl(wanted));
        }

        /**
         * The options the environment is to have: {@code current}'s, with those the request gives over them; for a
         * change of provider only those the request gives, since the new provider may read an option of the same name
         * otherwise (k3d's {@code image} or {@code binary} for kind).
         */
        public Map<String, String> options(Environment current) {
            Map<String, String> options = new TreeMap<>(keptOptions(current, spec));
            options.putAll(spec.options());
            return options;
        }

        /**
         * The options of {@code current} the environment keeps where {@code spec} does not give them: all, or none for
         * a change of provider.
         */
        static Map<String, String> keptOptions(Environment current, EnvironmentSpec spec) {
            return current.provider().equals(spec.provider()) ? current.options() : Map.of();
        }

        /** The host the environment is to be on: the one the request names, else the one it is on. */
        public String host(Environment current) {
            return spec.host().isNamed() ? spec.host().name() : current.host();
        }
    }
}
