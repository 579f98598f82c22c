package dev.envctl.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random sequences of {@link Op}s over a small pool of names, ports and subnets, so that conflicts,
 * overlaps, re-creates and deletes of the same environment are frequent; a few values of each kind are invalid.
 */
final class Generator {
    private static final String[] NAMES = {"a", "b", "c", "dev-1", "uat", "x9"};
    private static final String[] BAD_NAMES = {"Bad", "", "-a", "a".repeat(33), "a_b"};
    private static final Integer[] PORTS = {18080, 18081, 18400, 18401, 18405, 19000, 19001, 26443, 26444, 20001};
    private static final Integer[] BAD_PORTS = {0, 65536, -1};
    private static final String[] SUBNETS = {"10.100.0.0/24", "10.100.1.0/24", "10.100.0.0/16", "10.101.0.0/16",
            "10.101.5.0/24", "172.30.0.0/16"};
    private static final String[] BAD_SUBNETS = {"10.100.0.1/24", "10.300.0.0/16", "10.100.0.0"};
    private static final String[] KEYS = {"team", "register_portainer", "haproxy_route", "A.b-c_d", "k".repeat(63),
            "Z9"};
    private static final String[] BAD_KEYS = {"1x", "a b", "k".repeat(64), "x-", ""};
    private static final String[] VALUES = {"", "true", "a, \"b\"; c", "=%,#;", "ünïcødé ✓", "v".repeat(253),
            " lead and trail ", "back\\slash", "%00"};
    private static final String[] BAD_VALUES = {"tab\there", "nul\u0000", "line\nbreak", "esc\u001b[0m",
            "v".repeat(254)};
    private static final String[] OPTION_KEYS = {"servers", "agents", "image"};
    private static final String[] FAILURES = {"image pull failed", "boom\u0000nul byte", "\u001b[31mred\u001b[0m",
            "two\nlines\r\n\tand a tab", "bell\u0007del\u007f c1\u0085", "quote \" comma , percent %00"};
    private static final String HEADER = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
            + "http_port,https_port,cluster_subnet,api_port,labels,options,desired_state,actual_state,last_error,"
            + "created_at,updated_at,version";

    private final Random random;

    Generator(long seed) {
        this.random = new Random(seed);
    }

    List<Op> sequence(int length) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            ops.add(op());
        }
        return ops;
    }

    private Op op() {
        int r = random.nextInt(100);
        if (r < 32) {
            return new Op.Create(request(), chance(25) ? pick(FAILURES) : null);
        } else if (r < 42) {
            return new Op.Record(request());
        } else if (r < 57) {
            return new Op.Delete(chance(5) ? "nope" : pick(NAMES), chance(40), chance(15) ? pick(FAILURES) : null);
        } else if (r < 69) {
            List<Op.Request> requests = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                requests.add(request());
            }
            return new Op.Apply(requests, chance(30));
        } else if (r < 82) {
            List<String> vanished = new ArrayList<>();
            if (chance(60)) {
                vanished.add(pick(NAMES));
            }
            return new Op.Reconcile(vanished, chance(10) ? pick(FAILURES) : null, chance(25) ? pick(FAILURES) : null);
        } else if (r < 91) {
            return new Op.Migrate(pick(Sut.Kind.values()));
        }
        List<String> rows = new ArrayList<>();
        rows.add(HEADER);
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            rows.add(fileRow(i));
        }
        return new Op.MigrateFile(rows);
    }

    /** A wide CSV row with edge cases: a NUL or escape in last_error, version 0, a legacy nine-column row. */
    private String fileRow(int i) {
        String name = pick(NAMES);
        int http = 18600 + i;
        if (chance(20)) {
            return name + ",k3d,30080," + (19600 + i) + ",true,false," + http + "," + (18700 + i) + ","
                    + (chance(50) ? "" : pick(SUBNETS));
        }
        String lastError = pick(new String[] {"", "boom", "nul%00byte", "esc%1B[0m", "two%0Alines", "%7F"});
        String version = pick(new String[] {"1", "7", "0"});
        String actual = pick(new String[] {"running", "failed", "unknown"});
        return name + ",k3d,30080," + (19600 + i) + ",true,false," + http + "," + (18700 + i) + ","
                + (chance(50) ? "" : pick(SUBNETS)) + "," + (26600 + i) + ",team=a%2Cb,servers=1,present," + actual
                + "," + lastError + ",2026-11-26T08:00:00Z,2026-11-26T08:01:00Z," + version;
    }

    private Op.Request request() {
        String name = chance(4) ? pick(BAD_NAMES) : pick(NAMES);
        String provider = chance(4) ? "nope" : chance(20) ? "kind" : "k3d";
        Integer[] ports = new Integer[4];
        for (int i = 0; i < 4; i++) {
            if (chance(30)) {
                ports[i] = chance(3) ? pick(BAD_PORTS) : pick(PORTS);
            }
        }
        if (chance(10)) {
            ports = new Integer[] {18405, 18406, 19405, 26405};
        }
        String subnet = chance(50) ? null : chance(40) ? "auto" : chance(8) ? pick(BAD_SUBNETS) : pick(SUBNETS);
        return new Op.Request(name, provider, ports[0], ports[1], ports[2], ports[3], subnet,
                chance(20) ? 30800 : 30080, entries(KEYS, BAD_KEYS), options());
    }

    private Map<String, String> entries(String[] keys, String[] badKeys) {
        Map<String, String> m = new LinkedHashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String key = chance(5) ? pick(badKeys) : pick(keys);
            m.put(key, chance(5) ? pick(BAD_VALUES) : pick(VALUES));
        }
        return m;
    }

    private Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : OPTION_KEYS) {
            if (chance(20)) {
                m.put(k, chance(5) ? pick(BAD_VALUES) : k.equals("image") ? "rancher/k3s:v1.31.5-k3s1" : "2");
            }
        }
        return m;
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }
}
