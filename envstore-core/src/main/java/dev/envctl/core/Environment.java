package dev.envctl.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One environment as a store records it. Immutable; a change is a new value written with
 * {@code EnvironmentStore.update(next, expectedVersion)}.
 *
 * @param subnet   the Docker subnet, or {@code null} for the provider's shared network
 * @param ports    host ports; complete for environments envctl created, possibly without {@code api} for
 *                 rows adopted from the Kindler scripts
 * @param nodePort in-cluster NodePort of the ingress; not a host port, so not unique across environments
 * @param options  provider options ({@code servers}, {@code agents}, {@code image}, ...)
 * @param labels   labels; like {@code options}, kept sorted by key, so every output lists them in one order
 * @param lastError one line of what failed, or {@code null}; control characters other than tab, newline and
 *                 carriage return become U+FFFD ({@link Validation#encodeControls}), so every store holds
 *                 exactly the same text (PostgreSQL cannot store U+0000)
 * @param version  optimistic-concurrency version (1 or more), incremented by every update
 * @param host     the name of the {@link Host} the environment lives on; {@code local} unless placed elsewhere
 */
public record Environment(String name, String provider, Cidr subnet, HostPorts ports, int nodePort,
                          Map<String, String> labels, Map<String, String> options, DesiredState desiredState,
                          ActualState actualState, String lastError, Instant createdAt, Instant updatedAt,
                          long version, String host) {
    /** How {@code lastError} starts when a hook failed: {@code hook 'NAME' failed in PHASE: MESSAGE}. */
    public static final String HOOK_FAILURE_PREFIX = "hook '";

    /**
     * How {@code lastError} starts when another writer's change to the record kept a create from finishing (it
     * changed the ports the cluster was made with, and another environment took them meanwhile).
     */
    public static final String CONFLICT_FAILURE_PREFIX = "another writer changed the record";

    /**
     * How {@code lastError} starts when an existing cluster could not be adopted because another environment holds a
     * host port it binds: {@code its existing PROVIDER cluster binds ...}.
     */
    public static final String ADOPTION_FAILURE_PREFIX = "its existing ";

    /**
     * How {@code lastError} starts when a cluster could not be made again because a host port envctl allocated is
     * held by another program now and its pool has no other port to move it to.
     */
    public static final String POOL_FAILURE_PREFIX = "no port to move to: ";

    /**
     * How {@code lastError} ends when trying again cannot help and only a new cluster does (its Docker network was
     * removed while it was stopped): a client adds no advice to try again.
     */
    public static final String RECREATE_ADVICE = "delete the environment and create it again";

    /**
     * What joins the error of a failed stop or start to the failure of the post-create hooks that must still run,
     * kept after it: {@code ERROR; the post-create hooks have not passed since: hook 'NAME' failed in post-create:
     * ...}. What the stop or start said (its advice included) is the part before it.
     */
    public static final String PENDING_HOOKS = "; the post-create hooks have not passed since: ";

    public Environment {
        Validation.requireName(name);
        Validation.requireProviderId(provider);
        Objects.requireNonNull(ports, "ports");
        Validation.requirePort("node port", nodePort);
        labels = Validation.sortedCopy(Validation.requireLabels(labels == null ? Map.of() : labels));
        options = Validation.sortedCopy(Validation.requireOptions(options == null ? Map.of() : options));
        Objects.requireNonNull(desiredState, "desiredState");
        Objects.requireNonNull(actualState, "actualState");
        lastError = Validation.encodeControls(lastError);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw EnvctlException.invalid("version " + version + " of environment '" + name + "' is invalid; "
                    + "allowed: 1 or more");
        }
        host = host == null ? Host.LOCAL_NAME : Validation.requireHostName(host);
    }

    /** A record on the implicit host {@code local}. */
    public Environment(String name, String provider, Cidr subnet, HostPorts ports, int nodePort,
                       Map<String, String> labels, Map<String, String> options, DesiredState desiredState,
                       ActualState actualState, String lastError, Instant createdAt, Instant updatedAt,
                       long version) {
        this(name, provider, subnet, ports, nodePort, labels, options, desiredState, actualState, lastError,
                createdAt, updatedAt, version, Host.LOCAL_NAME);
    }

    /**
     * A new record for a resolved request: desired present, state unknown, version 1, on the host the request
     * names ({@code local} for {@code auto}; stores place those with {@link #withHost}). The ports the request leaves
     * to envctl are marked as allocated by envctl ({@link AutoPorts#leftToEnvctl}), the others not.
     */
    public static Environment created(EnvironmentSpec spec, HostPorts ports, Cidr subnet, Instant now) {
        return new Environment(spec.name(), spec.provider(), subnet, ports, spec.nodePort(),
                AutoPorts.labels(spec.labels(), ports, AutoPorts.leftToEnvctl(spec)), spec.options(),
                DesiredState.PRESENT, ActualState.UNKNOWN, null, now, now, 1,
                spec.host().isAuto() ? Host.LOCAL_NAME : spec.host().hostName());
    }

    public Environment withDesiredState(DesiredState s) {
        return new Environment(name, provider, subnet, ports, nodePort, labels, options, s, actualState, lastError,
                createdAt, updatedAt, version, host);
    }

    /** The same record with a new actual state and last error ({@code null} clears it). */
    public Environment withActualState(ActualState s, String error) {
        return new Environment(name, provider, subnet, ports, nodePort, labels, options, desiredState, s, error,
                createdAt, updatedAt, version, host);
    }

    public Environment withPorts(HostPorts p) {
        return new Environment(name, provider, subnet, p, nodePort, labels, options, desiredState, actualState,
                lastError, createdAt, updatedAt, version, host);
    }

    public Environment withLabels(Map<String, String> l) {
        return new Environment(name, provider, subnet, ports, nodePort, l, options, desiredState, actualState,
                lastError, createdAt, updatedAt, version, host);
    }

    public Environment withOptions(Map<String, String> o) {
        return new Environment(name, provider, subnet, ports, nodePort, labels, o, desiredState, actualState,
                lastError, createdAt, updatedAt, version, host);
    }

    public Environment withNodePort(int n) {
        return new Environment(name, provider, subnet, ports, n, labels, options, desiredState, actualState,
                lastError, createdAt, updatedAt, version, host);
    }

    /** What stores return after a write: the given update time and version. */
    public Environment withWrite(Instant updated, long newVersion) {
        return new Environment(name, provider, subnet, ports, nodePort, labels, options, desiredState, actualState,
                lastError, createdAt, updated, newVersion, host);
    }

    public Environment withHost(String h) {
        return new Environment(name, provider, subnet, ports, nodePort, labels, options, desiredState, actualState,
                lastError, createdAt, updatedAt, version, h);
    }

    /**
     * Why the environment is {@code failed}, as the error code a client turns into its exit code:
     * {@link ErrorCode#HOOK_FAILED} when a hook failed ({@code lastError} is {@code hook 'NAME' failed in PHASE:
     * MESSAGE}), {@link ErrorCode#CONFLICT} when another writer's change kept a create from finishing
     * ({@link #CONFLICT_FAILURE_PREFIX}) or another environment holds a port of an existing cluster to adopt
     * ({@link #ADOPTION_FAILURE_PREFIX}), {@link ErrorCode#POOL_EXHAUSTED} when a taken port had nowhere to move
     * ({@link #POOL_FAILURE_PREFIX}), {@link ErrorCode#PROVIDER_FAILED} for any other failure; empty when it is
     * not failed. A {@code creating} record with a {@code lastError} counts as failed: a create that failed and may
     * have left part of its cluster, which the next converge removes or finishes (desired {@code stopped}: a stop of
     * it that failed; a stop that succeeded clears {@code lastError}, and the start removes or finishes it). A
     * {@code stopped} record is not failed, also when it keeps a post-create hook's failure as its {@code lastError}
     * (a stop keeps that, and the start runs those hooks again).
     */
    public Optional<ErrorCode> failure() {
        if (actualState != ActualState.FAILED && !(actualState == ActualState.CREATING && lastError != null)) {
            return Optional.empty();
        }
        if (lastError != null && lastError.startsWith(HOOK_FAILURE_PREFIX)) {
            return Optional.of(ErrorCode.HOOK_FAILED);
        }
        if (lastError != null && lastError.startsWith(POOL_FAILURE_PREFIX)) {
            return Optional.of(ErrorCode.POOL_EXHAUSTED);
        }
        return Optional.of(lastError != null && (lastError.startsWith(CONFLICT_FAILURE_PREFIX)
                || lastError.startsWith(ADOPTION_FAILURE_PREFIX)) ? ErrorCode.CONFLICT : ErrorCode.PROVIDER_FAILED);
    }

    /** The kubeconfig context the provider creates: {@code k3d-NAME} or {@code kind-NAME}. */
    public String kubeContext() {
        return provider + "-" + name;
    }
}
