package dev.envctl.core.spi;

import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.ErrorCode;
import dev.envctl.core.PortRole;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes and removes clusters for environments with one tool (k3d, kind, ...). Implementations pass every
 * host port explicitly, run tools with argv arrays (never a shell) and are thread-safe.
 *
 * <p>Failures are {@code EnvctlException}s with code {@code PROVIDER_FAILED} whose message carries the tail of
 * the tool's stderr.
 */
public interface ClusterProvider {

    String id();

    /**
     * Creates the cluster of {@code environment} (its resolved ports and subnet). If the tool fails after it
     * started, the provider removes what it made (cluster, network) before throwing; if that cleanup fails
     * too, the error reports both. An error built with {@link dev.envctl.core.provider.CreateFailure} also tells
     * the engine that the cleanup failed ({@link dev.envctl.core.provider.CreateFailure#leftBehind}): the record
     * then stays {@code creating}, so the next converge asks {@link #createFinished} about a cluster that runs and
     * removes a half-made one; after any other failure it is {@code failed}, and a cluster of that name that runs
     * is taken as made.
     */
    void create(Environment environment, ProgressListener progress);

    /** Deletes the cluster and any network the provider made for it; deleting a missing cluster succeeds. */
    void delete(Environment environment, ProgressListener progress);

    /**
     * Whether the running cluster of {@code environment} was left by a create that finished, asked only for a
     * record an interrupted create left ({@code creating}: cut short, or failed and not cleaned up, see
     * {@link #create}) whose cluster {@link #list() lists} as running: true
     * means the tool's create returned success (the engine then only runs the post-create hooks), false that the
     * tool may have been stopped half-way (the engine deletes the cluster and creates it again). By default
     * true, right only for a provider whose half-made clusters never list as running; a provider whose nodes run
     * before its tool has finished (kind, and k3d, whose load balancer runs before its CoreDNS records and
     * kubeconfig are written) answers from a mark its create left ({@link dev.envctl.core.provider.CreatedMark}).
     */
    default boolean createFinished(Environment environment) {
        return true;
    }

    /**
     * The host ports the existing cluster {@code name} binds, by role, as far as the provider can tell (the pf port
     * is never published): the ones it publishes while it runs, the ones it was made with while it is stopped (it
     * binds them again when it starts); empty when it cannot tell. Asked when envctl adopts a cluster it did not
     * make (an apply naming it, a row of the Kindler scripts), so that the record holds the ports the cluster binds
     * rather than ones allocated from the pools. By default empty.
     *
     * @throws dev.envctl.core.EnvctlException when the tool that tells failed ({@code docker inspect}): envctl then
     *                                         leaves the adoption to a later converge rather than take the
     *                                         record's ports as the cluster's
     */
    default Map<PortRole, Integer> publishedPorts(String name) {
        return Map.of();
    }

    /**
     * Stops the cluster's nodes without removing anything: containers, volumes, networks and the published
     * host ports stay, so {@link #start} brings the same cluster back. Stopping a stopped cluster succeeds. A
     * provider that cannot stop clusters keeps this default, which fails with {@code PROVIDER_FAILED}.
     */
    default void stop(Environment environment, ProgressListener progress) {
        throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "the " + id() + " provider cannot stop clusters");
    }

    /** Starts a cluster {@link #stop} stopped; starting a running cluster succeeds. */
    default void start(Environment environment, ProgressListener progress) {
        throw new EnvctlException(ErrorCode.PROVIDER_FAILED, "the " + id() + " provider cannot start clusters");
    }

    /** The clusters the tool knows, managed by envctl or not. */
    List<ClusterStatus> list();

    /**
     * What the cluster of {@code environment}, as {@link #list()} gave it ({@code listed}), lacks of the nodes the
     * record asks for, such as "k3d lists 0 of the 1 server nodes its record asks for", or of what it was made with
     * ({@link ClusterStatus#lacking()}: k3d's load balancer); empty when it has them all or the provider cannot
     * tell. Node containers removed outside envctl ({@code docker rm -f}) leave a cluster the tool still lists,
     * with nothing to start them again: the engine treats it as broken, never as running. Answers from
     * {@code listed} alone, without running a tool. By default empty.
     */
    default Optional<String> missingNodes(Environment environment, ClusterStatus listed) {
        return Optional.empty();
    }

    /** The tool's version, such as {@code v5.7.4}. */
    String version();

    /**
     * Tool found and its version, Docker reachable: one check each, as {@code envctl doctor} shows them. Never
     * throws.
     */
    List<PrerequisiteCheck> checkPrerequisites();

    /**
     * What a command checks before it changes anything: a check fails whenever {@link #create} or {@link #delete}
     * could not run. By default all of {@link #checkPrerequisites()}; a provider may leave out what only informs
     * (the tool's version, which costs a process). Never throws.
     */
    default List<PrerequisiteCheck> checkReady() {
        return checkPrerequisites();
    }

    /**
     * What a create checks before it records anything, beside the {@link #list listing} it runs next: that the
     * tool {@link #create} runs is there, found without running it, for a provider whose listing does not run that
     * tool (kind lists with {@code docker ps}). A failed check is the create's refusal, the store unchanged. By
     * default none: the listing fails when the tool is missing. Never throws.
     */
    default List<PrerequisiteCheck> checkTool() {
        return List.of();
    }

    /**
     * The exact commands {@link #create} would run, with their variables and stdin, for {@code --dry-run}; every
     * host port the cluster publishes (http, https, api) appears in an argv or in a stdin text. The pf port is
     * only held for port-forwarding and is passed to no tool. A command the create runs only when something is
     * missing (a shared network) is listed too, with the argv the create would run it with.
     */
    List<PlannedCommand> planCreate(Environment environment);

    /** The exact commands {@link #delete} would run, for {@code --dry-run}. */
    List<PlannedCommand> planDelete(Environment environment);

    /**
     * {@link #planDelete} of each of {@code environments}, by name, for a plan that deletes or replaces many: a
     * provider whose plan asks its tool (Docker, for the networks it made) asks it once for them all. One left out is
     * planned with {@link #planDelete}; by default all are.
     */
    default Map<String, List<PlannedCommand>> planDeletes(List<Environment> environments) {
        return Map.of();
    }

    /**
     * Checks what this provider reads from a request before anything is recorded: its {@code options} (keys and
     * values). A create, a record and an apply call it first, so that an option the provider would refuse is
     * invalid input that changes nothing, not a failed environment. By default it accepts every request.
     *
     * @throws EnvctlException {@link ErrorCode#INVALID_INPUT} naming the option and what is allowed
     */
    default void validate(EnvironmentSpec spec) {
    }

    /** What a change of one option means for an environment's cluster ({@link #optionChange}). */
    enum OptionChange {
        /** The two values mean the same ({@code 01} and {@code 1}, {@code 300s} and {@code 5m}): nothing changes. */
        NONE,
        /** Only how envctl drives the tool changes (a timeout): apply writes the record, the cluster stays. */
        IN_PLACE,
        /** The cluster would be made differently (its nodes, its image): it takes a new cluster. */
        NEW_CLUSTER;

        /** The rule without a provider's reading: equal texts are no change, any other needs a new cluster. */
        public static OptionChange ofText(String from, String to) {
            return Objects.equals(from, to) ? NONE : NEW_CLUSTER;
        }
    }

    /**
     * What changing option {@code key} of an environment from {@code from} to {@code to} means for its cluster;
     * {@code from} is null when the record has no such option (the provider's setting applies). {@code apply}
     * compares a file with the store with it. By default values that differ as text need a new cluster.
     */
    default OptionChange optionChange(String key, String from, String to) {
        return OptionChange.ofText(from, to);
    }
}
