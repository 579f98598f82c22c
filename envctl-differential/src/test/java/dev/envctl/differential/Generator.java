package dev.envctl.differential;

import dev.envctl.core.ActualState;
import dev.envctl.core.PortRole;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random sequences of {@link Op}s over a small pool of names, ports and subnets, so that conflicts,
 * overlaps, re-creates and deletes of the same environment are frequent; a few values of each kind are invalid.
 */
final class Generator {
    private static final String[] NAMES = {"a", "b", "c", "dev-1", "uat", "x9", "e".repeat(30) + "-1"};
    private static final String[] BAD_NAMES = {"Bad", "", "-a", "a".repeat(33), "a_b", "a-"};
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
    private static final String[] HOSTS = {"two", "three", "local"};
    private static final String[] BAD_HOSTS = {"auto", "Two", "nope"};
    private static final String[] STATES = {"present", "stopped", "absent"};
    private static final String KINDLER_HEADER = "# env,provider,node_port,pf_port,register_portainer,haproxy_route,"
            + "http_port,https_port,cluster_subnet";
    private static final String[] FLAGS = {"true", "false", "1", "0", "yes", "no", "on", "off", "", "YES"};
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
        if (chance(25)) {
            return storeOp();
        }
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
        boolean kindler = chance(35);
        rows.add(kindler ? KINDLER_HEADER : HEADER);
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            rows.add(kindler ? kindlerRow(i) : fileRow(i));
        }
        return new Op.MigrateFile(rows);
    }

    /** A call of the store SPI itself: hosts, placement, updates, versioned deletes, inserts and their checks. */
    private Op storeOp() {
        int r = random.nextInt(100);
        if (r < 12) {
            return new Op.AddHost(chance(5) ? pick(BAD_HOSTS) : pick(HOSTS), chance(30) ? "ssh://me@two" : null,
                    chance(30) ? chance(70) ? "192.168.1.20" : pick(new String[] {"0.0.0.0", "two.example"}) : null,
                    chance(40) ? Map.of("gpu", "true") : Map.of(), chance(40) ? 1 + random.nextInt(2) : null);
        } else if (r < 20) {
            return new Op.RemoveHost(chance(10) ? pick(BAD_HOSTS) : pick(HOSTS));
        } else if (r < 35) {
            String host = chance(40) ? "auto" : chance(10) ? pick(BAD_HOSTS) : chance(40) ? "local" : pick(HOSTS);
            return new Op.Place(request(), host, chance(30) ? Map.of("gpu", "true") : Map.of());
        } else if (r < 65) {
            Op.Change change = pick(Op.Change.values());
            String text = switch (change) {
                case DESIRED -> pick(STATES);
                case ACTUAL -> chance(30) ? null : pick(FAILURES);
                case SUBNET -> chance(25) ? null : pick(SUBNETS);
                case HOST -> chance(10) ? pick(BAD_HOSTS) : pick(HOSTS);
                default -> null;
            };
            Map<String, String> map = change == Op.Change.OPTIONS ? options() : validEntries();
            Integer port = change == Op.Change.PORT && chance(20) ? null : pick(PORTS);
            return new Op.Update(chance(25) ? pick(NAMES) : null, random.nextInt(8), change, text, map, pick(PortRole.values()), port,
                    chance(15) ? pick(new Long[] {-1L, 1L}) : 0L);
        } else if (r < 78) {
            return new Op.DeleteRecord(chance(5) ? "nope" : chance(30) ? pick(NAMES) : null, random.nextInt(8),
                    chance(30) ? null
                    : chance(30) ? pick(new Long[] {-1L, 1L}) : 0L);
        }
        // distinct ports, half of them from the pools' and the requests' ones, so some collide with held ones
        List<Integer> free = new ArrayList<>(List.of(PORTS));
        for (int p = 21000; p < 21010; p++) {
            free.add(p);
        }
        Collections.shuffle(free, random);
        Integer[] ports = new Integer[4];
        for (int i = 0; i < 4; i++) {
            ports[i] = chance(25) ? null : free.get(i);
        }
        if (chance(5)) {
            ports[1] = ports[0];
        }
        String subnet = chance(50) ? null : pick(SUBNETS);
        return new Op.Insert(pick(NAMES), chance(20) ? "kind" : "k3d", subnet, ports[0], ports[1], ports[2], ports[3],
                chance(20) ? 30800 : 30080, validEntries(), pick(STATES), pick(ActualState.values()),
                chance(30) ? pick(FAILURES) : null, pick(new Long[] {1L, 7L}), chance(70) ? "local" : pick(HOSTS),
                chance(40));
    }

    /** Labels that pass validation, so the change reaches the store. */
    private Map<String, String> validEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            m.put(pick(KEYS), pick(VALUES));
        }
        return m;
    }

    /**
     * A row as the Kindler scripts wrote it: nine columns, eight (no subnet) or six (no http/https port, no subnet),
     * any flag word they read, a port the pool also hands out, or a blank or comment line between.
     */
    private String kindlerRow(int i) {
        String pf = "" + (chance(20) ? pick(PORTS) : Integer.valueOf(19600 + i));
        String start = pick(NAMES) + "," + (chance(20) ? "kind" : "k3d") + "," + (chance(30) ? 30800 : 30080) + ","
                + pf + "," + pick(FLAGS) + "," + pick(FLAGS);
        String http = "" + (chance(20) ? pick(PORTS) : Integer.valueOf(18600 + i));
        return switch (random.nextInt(5)) {
            case 0 -> start;
            case 1 -> start + "," + http + "," + (18700 + i);
            case 2 -> "#" + start;
            default -> start + "," + http + "," + (18700 + i) + "," + (chance(50) ? "" : pick(SUBNETS));
        };
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
