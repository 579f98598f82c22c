package dev.envctl.store.csv;

import dev.envctl.core.Cidr;
import dev.envctl.core.EnvctlException;
import dev.envctl.core.Environment;
import dev.envctl.core.EnvironmentSpec;
import dev.envctl.core.HostRequest;
import dev.envctl.core.PortRole;
import dev.envctl.core.SubnetRequest;
import dev.envctl.core.alloc.AllocationPolicy;
import dev.envctl.core.alloc.Allocator;
import dev.envctl.core.alloc.PortRange;
import dev.envctl.core.Durations;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A writer process for the multi-process tests and the benchmarks: opens a CSV store and runs a number of
 * auto-allocated creates, reporting each one on stdout as soon as it has returned.
 *
 * <pre>
 * java -cp TEST_CLASSPATH dev.envctl.store.csv.CsvWriterMain --file PATH --prefix NAME_PREFIX --count N
 *      [--subnet none|auto|alternate]  subnet request of each create (default alternate: auto, none, auto...)
 *      [--pool default|wide]           allocation pools: AllocationPolicy.defaults() or wide ones for
 *                                      thousands of rows (http 20000-29999, https 30000-39999,
 *                                      pf 40000-49999, api 50000-59999, subnets /24 of 10.0.0.0/8)
 *      [--lock-timeout 60s]            csv.lock-timeout
 *      [--wait-for FILE]               after printing "ready", wait until FILE exists, then start
 *      [--host local|auto|NAME]        the host each create asks for (default local)
 * </pre>
 *
 * <p>Output, one line each: {@code ready}; {@code created NAME HTTP HTTPS PF API SUBNET|- HOST} after each create
 * has returned; {@code done N NANOS} at the end (N creates in NANOS nanoseconds, from the start signal).
 * A failure prints {@code error CODE MESSAGE} on stderr and exits with the error's exit code. Names are
 * {@code PREFIX-0}, {@code PREFIX-1}, ...; the prefix must keep names valid (lowercase, at most 32 characters).
 */
public final class CsvWriterMain {
    private CsvWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path file = Path.of(require(opts, "--file"));
        String prefix = require(opts, "--prefix");
        int count = Integer.parseInt(require(opts, "--count"));
        String subnet = opts.getOrDefault("--subnet", "alternate");
        Allocator allocator = new Allocator("wide".equals(opts.get("--pool")) ? widePolicy()
                : AllocationPolicy.defaults());
        Duration timeout = Durations.parse("--lock-timeout", opts.getOrDefault("--lock-timeout", "60s"));
        String hostOption = opts.getOrDefault("--host", "local");
        HostRequest host = hostOption.equals("auto") ? HostRequest.AUTO : HostRequest.of(hostOption);
        PrintStream out = System.out;
        try (CsvEnvironmentStore store = CsvEnvironmentStore.open(file, timeout)) {
            out.println("ready");
            out.flush();
            if (opts.containsKey("--wait-for")) {
                Path go = Path.of(opts.get("--wait-for"));
                while (!Files.exists(go)) {
                    Thread.sleep(2);
                }
            }
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                SubnetRequest s = switch (subnet) {
                    case "auto" -> SubnetRequest.AUTO;
                    case "none" -> SubnetRequest.NONE;
                    default -> i % 2 == 0 ? SubnetRequest.AUTO : SubnetRequest.NONE;
                };
                Environment e = store.create(EnvironmentSpec.of(prefix + "-" + i, "k3d").withSubnet(s)
                        .withHost(host), allocator);
                out.println("created " + e.name() + " " + e.ports().http() + " " + e.ports().https() + " "
                        + e.ports().pf() + " " + e.ports().api() + " " + (e.subnet() == null ? "-" : e.subnet()) + " " + e.host());
                out.flush();
            }
            out.println("done " + count + " " + (System.nanoTime() - start));
            out.flush();
        } catch (EnvctlException e) {
            System.err.println("error " + e.code() + " " + e.getMessage());
            System.exit(e.exitCode());
        }
    }

    /** Pools for thousands of environments. */
    public static AllocationPolicy widePolicy() {
        Map<PortRole, PortRange> pools = new EnumMap<>(PortRole.class);
        pools.put(PortRole.HTTP, new PortRange(20000, 29999));
        pools.put(PortRole.HTTPS, new PortRange(30000, 39999));
        pools.put(PortRole.PF, new PortRange(40000, 49999));
        pools.put(PortRole.API, new PortRange(50000, 59999));
        return new AllocationPolicy(pools, Cidr.parse("10.0.0.0/8"), 24);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got " + args[i]);
            }
            m.put(args[i], args[i + 1]);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("option " + args[args.length - 1] + " has no value");
        }
        return m;
    }

    private static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key + "; usage in CsvWriterMain's Javadoc");
        }
        return v;
    }
}
