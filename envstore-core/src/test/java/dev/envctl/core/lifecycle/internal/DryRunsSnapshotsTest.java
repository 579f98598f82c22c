package dev.envctl.core.lifecycle.internal;

import dev.envctl.core.ActualState;
import dev.envctl.core.Cidr;
import dev.envctl.core.DesiredState;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.Host;
import dev.envctl.core.HostPorts;
import dev.envctl.core.HostRequest;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.lifecycle.ApplyPlan;
import dev.envctl.core.lifecycle.FieldChange;
import dev.envctl.core.lifecycle.LifecycleEngine;
import dev.envctl.core.lifecycle.PlannedStep;
import dev.envctl.core.testing.InMemoryEnvironmentStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dry runs keep what each host holds in step with the steps before instead of reading every record again for each
 * step; their plans are the plans of snapshots built afresh ({@link FreshSnapshotDryRuns}), step by step, errors
 * included, for records that share ports and subnets (rows the Kindler scripts wrote), on hosts that fill up, with
 * small pools that run out.
 */
class DryRunsSnapshotsTest {
    private static final Instant T = Instant.parse("2026-11-26T08:00:00Z");
    private static final Cidr POOL = Cidr.parse("10.64.0.0/21");
    private static final List<String> HOSTS = List.of(Host.LOCAL_NAME, "two", "three");

    @Test
    void planOfAnApplyIsThatOfSnapshotsBuiltAfreshForEachStep() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            List<Environment> records = records(random);
            List<Host> hosts = hosts(random);
            ApplyPlan plan = plan(random, records);
            Allocator allocator = new Allocator(policy());

            List<PlannedStep> steps = DryRuns.allocationsOnly(new InMemoryEnvironmentStore(), allocator)
                    .apply(plan, records, hosts);

            assertThat(steps).extracting(DryRunsSnapshotsTest::shown).as("seed %d: %s", seed, plan)
                    .containsExactlyElementsOf(FreshSnapshotDryRuns.apply(allocator, plan, records, hosts).stream()
                            .map(DryRunsSnapshotsTest::shown).toList());
        }
    }

    @Test
    void createsAreThoseOfSnapshotsBuiltAfreshForEachStep() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            List<Environment> records = records(random);
            List<Host> hosts = hosts(random);
            List<EnvironmentSpec> specs = plan(random, records).toCreate();
            Allocator allocator = new Allocator(policy());

            List<PlannedStep> steps = DryRuns.allocationsOnly(new InMemoryEnvironmentStore(), allocator)
                    .creates(records, hosts, specs, true);

            assertThat(steps).extracting(DryRunsSnapshotsTest::shown).as("seed %d: %s", seed, specs)
                    .containsExactlyElementsOf(new FreshSnapshotDryRuns(allocator).creates(records, hosts, specs,
                            Set.of()).stream().map(DryRunsSnapshotsTest::shown).toList());
        }
    }

    /** A step as a user sees it, but the times of new records (the second the dry run ran in). */
    private static String shown(PlannedStep s) {
        Environment e = s.environment();
        return s.kind() + " " + e.name() + " on " + e.host() + " " + e.ports() + " " + e.subnet() + " "
                + e.labels() + " " + e.options() + " " + e.desiredState() + "/" + e.actualState() + " " + s.changes()
                + (s.error() == null ? "" : " error " + s.error().code() + ": " + s.error().getMessage());
    }

    /** Small pools, so that plans run out of ports and subnets. */
    private static AllocationPolicy policy() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(8000, 8019));
        pools.put(PortRole.HTTPS, new PortRange(8010, 8029));
        pools.put(PortRole.PF, new PortRange(8020, 8039));
        pools.put(PortRole.API, new PortRange(8030, 8049));
        return new AllocationPolicy(pools, POOL, 24);
    }

    private static List<Host> hosts(Random random) {
        return List.of(Host.LOCAL, new Host("two", "tcp://two.example:2375", "192.168.1.20", Map.of(),
                        random.nextInt(3) == 0 ? null : 3 + random.nextInt(8)),
                new Host("three", "tcp://three.example:2375", "192.168.1.30", Map.of(), 2 + random.nextInt(4)));
    }

    /**
     * Up to 24 records with ports from the pools, some shared and some missing, subnets in and near the subnet pool,
     * some shared, overlapping or starting together, in every state a plan meets.
     */
    private static List<Environment> records(Random random) {
        List<Environment> records = new ArrayList<>();
        int count = random.nextInt(25);
        for (int i = 0; i < count; i++) {
            DesiredState desired = DesiredState.values()[random.nextInt(DesiredState.values().length)];
            ActualState actual = ActualState.values()[random.nextInt(ActualState.values().length)];
            Map<String, String> labels = desired == DesiredState.ABSENT && random.nextBoolean()
                    ? Map.of(LifecycleEngine.KEEP_RECORD_LABEL, "true") : Map.of();
            records.add(new Environment("r" + i, "k3d", subnet(random), ports(random), 30080, labels, Map.of(),
                    desired, actual, null, T, T, 1, HOSTS.get(random.nextInt(HOSTS.size()))));
        }
        Collections.shuffle(records, random);
        return records;
    }

    /**
     * Creates of new and recorded names (a few given twice), replacements (some moving), deletes and resumes of
     * recorded ones.
     */
    private static ApplyPlan plan(Random random, List<Environment> records) {
        List<EnvironmentSpec> creates = new ArrayList<>();
        List<ApplyPlan.Update> updates = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        List<String> resumes = new ArrayList<>();
        List<String> adopting = new ArrayList<>();
        for (Environment e : records) {
            int what = random.nextInt(6);
            if (what == 0 || (what == 1 && e.desiredState() == DesiredState.ABSENT)) {
                creates.add(spec(random, e.name()));
                if (random.nextInt(4) == 0) {
                    adopting.add(e.name());
                }
            } else if (what == 1 || what == 2) {
                updates.add(new ApplyPlan.Update(spec(random, e.name()), List.of(new FieldChange("ports", null,
                        String.valueOf(e.ports()), "other", random.nextInt(5) > 0))));
            } else if (what == 3 && random.nextInt(3) == 0) {
                deletes.add(e.name());
            }
            if (what >= 2 && random.nextBoolean()) {
                resumes.add(e.name());
                if (random.nextInt(5) == 0) {
                    adopting.add(e.name());
                }
            }
        }
        int news = random.nextInt(12);
        for (int i = 0; i < news; i++) {
            creates.add(spec(random, "n" + i));
        }
        int twice = creates.isEmpty() ? 0 : random.nextInt(3);
        for (int i = 0; i < twice; i++) {
            creates.add(spec(random, creates.get(random.nextInt(creates.size())).name()));
        }
        Collections.shuffle(creates, random);
        updates.sort((a, b) -> a.name().compareTo(b.name()));
        Collections.sort(deletes);
        Collections.sort(resumes);
        Collections.sort(adopting);
        return new ApplyPlan(creates, updates, deletes, resumes, List.of(), adopting);
    }

    private static EnvironmentSpec spec(Random random, String name) {
        HostPorts ports = random.nextInt(3) == 0 ? new HostPorts(random.nextBoolean() ? 8000 + random.nextInt(20)
                : null, null, null, random.nextBoolean() ? 8030 + random.nextInt(20) : null) : HostPorts.NONE;
        int subnet = random.nextInt(4);
        SubnetRequest request = subnet == 0 ? SubnetRequest.NONE : subnet == 1 ? SubnetRequest.of(subnet(random))
                : SubnetRequest.AUTO;
        EnvironmentSpec spec = EnvironmentSpec.of(name, "k3d").withPorts(ports).withSubnet(request);
        return random.nextInt(3) == 0 ? spec.withHost(HostRequest.of(HOSTS.get(random.nextInt(HOSTS.size()))))
                : spec;
    }

    private static HostPorts ports(Random random) {
        Integer[] ports = new Integer[4];
        for (int i = 0; i < ports.length; i++) {
            if (random.nextInt(6) > 0) {
                ports[i] = 8000 + 10 * i + random.nextInt(20);
            }
        }
        for (int i = 1; i < ports.length; i++) {
            for (int j = 0; j < i; j++) {
                if (ports[i] != null && ports[i].equals(ports[j])) {
                    ports[i] = null;
                }
            }
        }
        return new HostPorts(ports[0], ports[1], ports[2], ports[3]);
    }

    private static Cidr subnet(Random random) {
        return random.nextInt(4) == 0 ? null
                : Cidr.enclosing(POOL.first() - 256 + random.nextInt(2560), 22 + random.nextInt(5));
    }
}
