package dev.envctl.cli;

import dev.envctl.cli.Workspace.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * Bad input, each case against a store holding two environments: the documented exit code, one line on stderr
 * starting {@code envctl: } (parse errors add the usage after it), no stack trace, and the store byte for byte
 * unchanged (and no provider command run).
 */
class BadInputIT {
    @TempDir
    static Path tmp;
    static Workspace ws;

    /** One case: the arguments, the exit code, and a piece the message must contain. */
    record Case(int exit, String expect, boolean usage, String... args) {
        static Case of(int exit, String expect, String... args) {
            return new Case(exit, expect, false, args);
        }

        static Case usage(String expect, String... args) {
            return new Case(2, expect, true, args);
        }
    }

    @BeforeAll
    static void twoEnvironments() throws java.io.IOException {
        ws = new Workspace(tmp);
        assertThat(ws.run("create", "dev", "--http-port", "18100", "--subnet", "10.101.0.0/16").exit()).isZero();
        assertThat(ws.run("create", "uat", "--provider", "kind").exit()).isZero();
        ws.write("bad.yaml", "- name: dev\n  ports: {http: [1]\n");
        ws.write("unknown-field.yaml", "- name: web\n  colour: blue\n");
        ws.write("bad-name.yaml", "- name: Web_1\n");
        ws.write("not-a-list.json", "{\"name\": \"web\"}");
        ws.write("short.csv", "# env,provider\nweb,k3d,30080\n");
        ws.write("bad-port.csv", "web,k3d,30080,19010,true,true,99999,18500,\n");
        ws.write("twice.yaml", "- name: web\n- name: web\n");
        ws.write("key-twice.yaml", "- name: x1\n  name: x2\n");
        ws.write("huge.yaml", "# " + "x".repeat(3 * 1024 * 1024) + "\n");
        Files.writeString(ws.dir.resolve("utf16.yaml"), "- name: web\n", StandardCharsets.UTF_16);
        ws.write("bad-option.yaml", "- name: web\n- name: b1\n  options: {servers: 0}\n");
        ws.write("bad-option-existing.yaml", "- name: dev\n  ports: {http: 18100}\n  subnet: 10.101.0.0/16\n"
                + "  options: {servers: 0}\n");
        ws.write("quoted-option.yaml", "- name: b1\n  options: {servers: \"0\"}\n");
        ws.write("unknown-flavour.yaml", "- name: b3\n  options: {flavour: vanilla}\n");
        ws.write("unknown-option.yaml", "- name: b2\n  provider: kind\n  options: {k3s-args: x}\n");
        ws.write("two-documents.yaml", "- name: dev\n  ports: {http: 18100}\n  subnet: 10.101.0.0/16\n---\n"
                + "- name: uat\n  provider: kind\n");
        // an export whose row was edited by hand, below its #envctl line
        String export = ws.run("list", "-o", "csv").out();
        assertThat(export).contains("\ndev,k3d,30080,");
        ws.write("edited-export.csv", export.replace(",18100,", ",18101,"));
        // and one cut short between dev's #envctl line and its row
        ws.write("cut-export.csv", export.substring(0, export.indexOf("\ndev,k3d,30080,") + 1));
        ws.write("surrogate.json", "[{\"name\": \"web\", \"labels\": {\"team\": \"x\\ud800y\"}}]");
        ws.write("complex-key.yaml", "- name: web\n  labels: {? [a]: 1}\n");
        ws.write("empty.yaml", "");
        ws.write("empty.csv", "");
        ws.write("comments-only.csv", "# env,provider,node_port,pf_port,register_portainer,haproxy_route,http_port,"
                + "https_port,cluster_subnet\n\n# nothing yet\n");
        ws.write("unknown-provider.yaml", "- name: b4\n- name: b5\n  provider: k3s\n");
        ws.write("unknown-provider.csv", "b4,k3d,30080,19010,true,true,18500,18501,\n"
                + "b5,k3s,30080,19011,true,true,18502,18503,\n");
        ws.write("bad-key.properties", "pool.htp=18080-18399\n");
        ws.write("loopback-pool.properties", "pool.subnet=127.0.0.0/8\n");
        ws.write("bad-value.properties", "reconcile.concurrency=many\n");
        ws.write("bad-http-pool.properties", "pool.http=abc\n");
        ws.write("bad-subnet-pool.properties", "pool.subnet=abc\n");
        ws.write("bad-subnet-prefix.properties", "pool.subnet.prefix=abc\n");
        ws.write("bad-interval.properties", "reconcile.interval=soon\n");
        ws.write("small-subnet-pool.properties", "pool.subnet=10.0.0.0/26\n");
        ws.write("bad-store-key.properties", "store.csv.lock-timout=5s\n");
        ws.write("bad-provider-key.properties", "provider.k3d.colour=blue\n");
        ws.write("relative-hook-dir.properties", "hooks.enabled=exec\nhook.exec.dir=rel/hooks\n");
        ws.write("bad-hook-timeout.properties", "hooks.enabled=exec\nhook.exec.timeout=60s  # per script\n");
        ws.write("bad-store-value.properties", "store.csv.lock-timeout=abc\n");
        ws.write("bad-provider-timeout.properties", "provider.kind.timeout=soon\n");
        ws.write("empty-provider-binary.properties", "provider.k3d.binary=\n");
        ws.write("bad-jdbc-timeout.properties", "store.jdbc.connect-timeout=soon\n");
        ws.write("empty-jdbc-user.properties", "store.jdbc.user=\n");
        ws.write("blank-jdbc-user.properties", "store.jdbc.user=   \n");
        ws.write("dir/.keep", "");
        ws.write("bogus-key.properties", "bogus.key=1\n");
        ws.write("nope-provider.properties", "provider.default=nope\n");
        ws.write("bad-skip.properties", "migrate.skip=BAD,,x y\n");
        ws.write("from.csv", "");
        ws.write("escape-migrate.properties", "store.jdbc.migrate=au\\u001b[31mto\n");
        ws.write("escape-key.properties", "store.csv.x\\u001b[31m=1\n");
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // names
        c.add(Case.of(2, "environment name 'Dev' is invalid", "create", "Dev"));
        c.add(Case.of(2, "environment name 'a_b' is invalid", "create", "a_b"));
        c.add(Case.of(2, "at most 32 are allowed", "create", "a".repeat(33)));
        c.add(Case.of(2, "environment name is empty", "create", ""));
        c.add(Case.of(2, "environment name 'dev-' is invalid", "create", "dev-"));
        c.add(Case.of(2, "environment name 'UAT' is invalid", "get", "UAT"));
        c.add(Case.usage("takes one environment NAME, got 2", "create", "a", "b"));
        c.add(Case.usage("takes one or more environment NAMEs, got none", "delete"));
        c.add(Case.usage("takes one environment NAME, got 0", "get"));
        c.add(Case.of(4, "already exists", "create", "dev"));
        // after --, an argument starting with - is a name (refused by the name rule), not an unknown option
        c.add(Case.of(2, "environment name '-abc' is invalid; allowed: lowercase a-z, 0-9 and '-', starting and "
                + "ending with a letter or digit", "create", "--", "-abc"));
        c.add(Case.of(2, "environment name '-abc' is invalid", "get", "--", "-abc"));
        c.add(Case.of(2, "environment name '--dry-run' is invalid", "delete", "--", "--dry-run"));
        c.add(Case.of(2, "environment name '--' is invalid", "create", "--", "--"));
        c.add(Case.of(2, "environment name '-x' is invalid", "stop", "dev", "--", "-x"));
        c.add(Case.usage("unknown option '-abc' for create", "create", "-abc"));
        c.add(Case.usage("unknown option '--bogus' for create", "create", "--bogus", "--", "web"));
        // ports
        c.add(Case.of(2, "http port 0 is out of range", "create", "web", "--http-port", "0"));
        c.add(Case.of(2, "https port 70000 is out of range", "create", "web", "--https-port", "70000"));
        c.add(Case.of(2, "--http-port takes a whole number, got 'abc'", "create", "web", "--http-port", "abc"));
        // hooks get ENVCTL.X and envctl.X as one variable: the reserved prefix is any case
        c.add(Case.of(2, "label 'ENVCTL.AUTO-PORTS' is envctl's own", "create", "web", "--label",
                "ENVCTL.AUTO-PORTS=spoofed"));
        // Integer.parseInt would take a sign and other scripts' digits
        c.add(Case.of(2, "--http-port takes a whole number, got '+18500'", "create", "web", "--http-port",
                "+18500"));
        c.add(Case.of(2, "--api-port takes a whole number, got '\uff12\uff17\uff15\uff10\uff10'", "create", "web",
                "--api-port", "\uff12\uff17\uff15\uff10\uff10"));
        c.add(Case.of(2, "--concurrency takes a whole number, got '\u0664'", "reconcile", "--concurrency",
                "\u0664"));
        c.add(Case.of(2, "http port -5 is out of range", "create", "web", "--http-port", "-5"));
        c.add(Case.of(2, "--capacity takes a whole number, got 'x'", "host", "add", "h", "--docker", "tcp://h:2375",
                "--capacity", "x"));
        // a number, too large: told so, not that it is no number
        c.add(Case.of(2, "--capacity 99999999999 has too many digits; allowed: at most 9", "host", "add", "h",
                "--docker", "tcp://h:2375", "--capacity", "99999999999"));
        c.add(Case.of(2, "--http-port -00000000018080 has too many digits; allowed: at most 9", "create", "web",
                "--http-port", "-00000000018080"));
        c.add(Case.of(2, "is given for both http and https", "create", "web", "--http-port", "18500",
                "--https-port", "18500"));
        c.add(Case.of(2, "node port 0 is out of range", "create", "web", "--node-port", "0"));
        c.add(Case.of(4, "http port 18100 is already held by environment 'dev'", "create", "web", "--http-port",
                "18100"));
        c.add(Case.of(4, "pf port 18100 is already held by environment 'dev'", "create", "web", "--pf-port",
                "18100"));
        // CIDRs
        c.add(Case.of(2, "has host bits set; did you mean 10.0.0.0/16?", "create", "web", "--subnet", "10.0.0.1/16"));
        c.add(Case.of(2, "subnet '10.0.0.0/33' has an invalid prefix length '/33'; allowed: /8 to /30", "create",
                "web", "--subnet", "10.0.0.0/33"));
        c.add(Case.of(2, "subnet 'banana' is invalid; allowed: auto, none or an IPv4 CIDR", "create", "web", "--subnet",
                "banana"));
        c.add(Case.of(2, "invalid address part '256'", "create", "web", "--subnet", "10.256.0.0/16"));
        c.add(Case.of(4, "overlaps 10.101.0.0/16 of environment 'dev'", "create", "web", "--subnet", "10.101.5.0/24"));
        // subnets no Docker network can or should use
        c.add(Case.of(2, "subnet 0.0.0.0/0 has prefix /0; allowed: /8 to /30", "create", "ok3", "--subnet",
                "0.0.0.0/0"));
        c.add(Case.of(2, "subnet 127.0.0.0/8 overlaps the loopback (127.0.0.0/8) range", "create", "ok3",
                "--subnet", "127.0.0.0/8"));
        c.add(Case.of(2, "subnet 169.254.0.0/16 overlaps the link-local (169.254.0.0/16) range", "create", "ok3",
                "--subnet", "169.254.0.0/16"));
        c.add(Case.of(2, "subnet 224.0.0.0/4 has prefix /4; allowed: /8 to /30", "create", "ok3", "--subnet",
                "224.0.0.0/4"));
        c.add(Case.of(2, "subnet 224.0.0.0/8 overlaps the multicast (224.0.0.0/4) range", "create", "ok3",
                "--subnet", "224.0.0.0/8"));
        c.add(Case.of(2, "subnet 10.0.0.0/31 has prefix /31; allowed: /8 to /30", "create", "ok3", "--subnet",
                "10.0.0.0/31"));
        c.add(Case.of(2, "subnet 10.0.0.0/7 has prefix /7; allowed: /8 to /30", "create", "ok3", "--subnet",
                "10.0.0.0/7"));
        // labels and options
        c.add(Case.of(2, "is not KEY=VALUE", "create", "web", "--label", "novalue"));
        c.add(Case.of(2, "label key '9bad' is invalid", "create", "web", "--label", "9bad=x"));
        c.add(Case.of(2, "label key 'bad-' is invalid", "create", "web", "--label", "bad-=x"));
        c.add(Case.of(2, "is 254 characters long; at most 253", "create", "web", "--label", "k=" + "v".repeat(254)));
        c.add(Case.of(2, "control character", "create", "web", "--label", "k=a\nb"));
        c.add(Case.of(2, "given twice", "create", "web", "--label", "k=a", "--label", "k=b"));
        c.add(Case.of(2, "label 'envctl.keep-record' is envctl's own", "create", "web", "--label",
                "envctl.keep-record=true"));
        c.add(Case.usage("--interval goes with --watch", "reconcile", "--interval", "5s"));
        c.add(Case.of(2, "--servers 0 is out of range", "create", "web", "--servers", "0"));
        c.add(Case.of(2, "--image", "create", "web", "--image", "a b"));
        c.add(Case.of(2, "--image '-rm' is invalid; allowed: an image reference [REGISTRY[:PORT]/]REPOSITORY[:TAG]"
                + "[@DIGEST], the repository in lowercase letters and digits joined by . _ or -, such as "
                + "rancher/k3s:v1.31.5-k3s1", "create", "web", "--image", "-rm"));
        // Docker refuses it only once the create runs ("repository name must be lowercase", seen with Docker 20.10)
        c.add(Case.of(2, "--image 'Bad:Image:x' is invalid", "create", "web", "--image", "Bad:Image:x"));
        c.add(Case.of(2, "--image '$(id)' is invalid", "create", "web", "--image", "$(id)", "--dry-run"));
        // files
        c.add(Case.of(2, "does not exist", "apply", "-f", "missing.yaml"));
        c.add(Case.of(2, "does not exist", "apply", "-f", "dir"));
        c.add(Case.of(2, "is not valid YAML or JSON", "apply", "-f", "bad.yaml"));
        c.add(Case.of(2, "is not valid YAML or JSON: line 2: a key must be plain text, not a list or mapping",
                "apply", "-f", "complex-key.yaml"));
        c.add(Case.of(2, "unknown field 'colour'", "apply", "-f", "unknown-field.yaml"));
        c.add(Case.of(2, "item 1: environment name 'Web_1' is invalid", "apply", "-f", "bad-name.yaml"));
        c.add(Case.of(2, "holds no list of environments", "apply", "-f", "not-a-list.json"));
        c.add(Case.of(2, "is not a valid environments CSV", "apply", "-f", "short.csv"));
        c.add(Case.of(2, "is not a valid environments CSV", "apply", "-f", "bad-port.csv"));
        c.add(Case.of(2, "names environment 'web' twice", "apply", "-f", "twice.yaml"));
        c.add(Case.of(2, "is not valid YAML or JSON: key 'name' is given twice in one item (line 2); give each key "
                + "once", "apply", "-f", "key-twice.yaml"));
        c.add(Case.of(2, "apply file huge.yaml is larger than 3 MiB (3145728 bytes), the most allowed", "apply", "-f",
                "huge.yaml"));
        c.add(Case.of(2, "cannot read apply file utf16.yaml: it is not UTF-8 text; save it as UTF-8", "apply", "-f",
                "utf16.yaml"));
        c.add(Case.of(2, "apply file bad-option.yaml, environment 'b1': option servers of environment b1 '0' is invalid",
                "apply", "-f", "bad-option.yaml"));
        c.add(Case.of(2, "apply file quoted-option.yaml, environment 'b1': option servers of environment b1 '0' is "
                + "invalid", "apply", "-f", "quoted-option.yaml"));
        c.add(Case.of(2, "apply file unknown-flavour.yaml, environment 'b3': environment b3 has option(s) [flavour] that "
                + "k3d does not know", "apply", "-f", "unknown-flavour.yaml"));
        // the same value for an environment that exists: refused alike, before a diff or a replacement
        for (String[] args : List.of(new String[] {"apply"}, new String[] {"apply", "--replace"},
                new String[] {"apply", "--dry-run"}, new String[] {"diff"})) {
            List<String> a = new ArrayList<>(List.of(args));
            a.addAll(List.of("-f", "bad-option-existing.yaml"));
            c.add(Case.of(2, "apply file bad-option-existing.yaml, environment 'dev': option servers of environment dev "
                    + "'0' is invalid", a.toArray(String[]::new)));
        }
        c.add(Case.of(2, "apply file unknown-option.yaml, environment 'b2': environment b2 has option(s) [k3s-args] "
                + "that kind does not know", "apply", "-f", "unknown-option.yaml"));
        // a second YAML document is refused, not left out: apply --prune would delete what it lists
        c.add(Case.of(2, "apply file two-documents.yaml holds 2 YAML documents (separated by '---'); envctl reads one: "
                + "put every environment in one list", "diff", "-f", "two-documents.yaml", "--prune"));
        // an exported row edited below its #envctl line would lose the line's labels, options, host and api port
        for (String[] args : List.of(new String[] {"apply", "-f", "edited-export.csv"},
                new String[] {"diff", "-f", "edited-export.csv"})) {
            c.add(Case.of(2, "apply file edited-export.csv is not a valid environments CSV: line 4: row 'dev' was "
                    + "changed or moved after envctl wrote it below its #envctl line (line 3), whose labels, options, "
                    + "host and api port would be lost; edit `envctl list -o json` output instead, or delete line 3 to "
                    + "apply the row alone, as a Kindler scripts' row", args));
        }
        // an export cut short after an #envctl line lists one environment fewer, which --prune would delete
        c.add(Case.of(2, "apply file cut-export.csv is not a valid environments CSV: line 3: the #envctl line of 'dev' "
                + "has no row of 'dev' below it (a copy cut short?); add the row back, or delete line 3 too", "apply",
                "-f", "cut-export.csv"));
        // a CSV file with no content (a failed 'envctl list -o csv > FILE', a truncated copy) would prune everything
        for (String[] args : List.of(new String[] {"apply", "-f", "empty.csv", "--prune"},
                new String[] {"apply", "-f", "empty.csv", "--prune", "--dry-run"},
                new String[] {"diff", "-f", "empty.csv", "--prune"})) {
            c.add(Case.of(2, "apply file empty.csv is empty (nothing but blank lines and comments), and --prune would "
                    + "delete every environment; to delete them all, apply a YAML or JSON file that says []", args));
        }
        c.add(Case.of(2, "apply file comments-only.csv is empty (nothing but blank lines and comments), and --prune "
                + "would delete every environment", "apply", "--prune", "-f", "comments-only.csv"));
        c.add(Case.of(2, "apply file empty.yaml holds no list of environments", "apply", "-f", "empty.yaml", "--prune"));
        // among many entries, the one naming a provider no plugin provides is found by its name
        c.add(Case.of(2, "apply file unknown-provider.yaml, environment 'b5': unknown provider 'k3s'; known: k3d, "
                + "kind", "apply", "-f", "unknown-provider.yaml"));
        c.add(Case.of(2, "apply file unknown-provider.csv, environment 'b5': unknown provider 'k3s'; known: k3d, "
                + "kind", "diff", "-f", "unknown-provider.csv"));
        c.add(Case.usage("apply needs a file", "apply"));
        c.add(Case.of(2, "does not exist", "migrate", "--from", "missing.csv", "--to", "other.csv"));
        c.add(Case.usage("migrate needs --from and --to", "migrate", "--from", "x.csv"));
        c.add(Case.of(2, "migrate takes no arguments, got 'extra'", "migrate", "--from", "x.csv", "--to", "y.csv",
                "extra"));
        c.add(Case.of(2, "--skip: environment name 'Bad_Name' is invalid", "migrate", "--from", "x.csv", "--to",
                "y.csv", "--skip", "Bad_Name"));
        c.add(Case.of(2, "--skip: environment name is empty", "migrate", "--from", "x.csv", "--to", "y.csv",
                "--skip", ""));
        c.add(Case.of(2, "--skip: environment name is empty", "migrate", "--from", "x.csv", "--to", "y.csv",
                "--skip", "dev,"));
        // unknown flags, commands, values
        c.add(Case.usage("--bogus", "list", "--bogus"));
        c.add(Case.usage("--bogus", "create", "web", "--bogus"));
        c.add(Case.usage("unknown command 'frobnicate'", "frobnicate"));
        c.add(Case.usage("unknown option '-x'; run 'envctl --help' for the options", "-x", "list"));
        c.add(Case.usage("unknown option '-vvv'", "list", "-vvv"));
        // an option takes its value as the next argument, never as --opt=value
        c.add(Case.usage("--store=x.csv: an option takes its value as the next argument, not after '=': write "
                + "--store x.csv", "--store=x.csv", "list"));
        c.add(Case.usage("--state=running: an option takes its value as the next argument, not after '=': write "
                + "--state running", "list", "--state=running"));
        c.add(Case.usage("unknown option '--provider=kind' for create; an option takes its value as the next "
                + "argument, not after '=' (--provider kind)", "create", "web", "--provider=kind"));
        c.add(Case.usage("--provider=k3d: an option takes its value as the next argument, not after '=': write "
                + "--provider k3d", "list", "--provider=k3d"));
        c.add(Case.of(2, "the store URL 'jdbc:postgresql://h:notaport/db' is invalid", "--store",
                "jdbc:postgresql://h:notaport/db", "list"));
        // a yes/no flag given twice is refused, not read as "no" (a second --dry-run would really create)
        c.add(Case.usage("--dry-run was given twice; give it once", "create", "web", "--dry-run", "--dry-run"));
        c.add(Case.usage("--no-wait was given twice; give it once", "create", "web", "--no-wait", "--no-wait"));
        c.add(Case.usage("--dry-run was given twice; give it once", "delete", "dev", "--dry-run", "--dry-run"));
        c.add(Case.usage("--keep-record was given twice; give it once", "delete", "dev", "--keep-record",
                "--keep-record"));
        c.add(Case.usage("-v was given twice; give it once", "list", "--verbose", "-v"));
        // a global option with a value given before and after the command is given twice too, not the last winning
        c.add(Case.usage("was given twice; give it once", "-o", "json", "create", "web", "-o", "csv"));
        c.add(Case.usage("was given twice; give it once", "--store", "other.csv", "create", "web", "--store",
                "other.csv"));
        c.add(Case.usage("was given twice; give it once", "--config", "missing.properties", "list", "--config",
                "missing.properties"));
        c.add(Case.usage("-v and -q exclude each other", "list", "-v", "-q"));
        c.add(Case.usage("-vv and -q exclude each other", "--quiet", "get", "dev", "-vv"));
        c.add(Case.usage("-v and -q exclude each other", "-q", "--verbose"));
        c.add(Case.usage("-v and -vv were both given; -vv shows all -v does, give one of them", "list", "-vv", "-v"));
        c.add(Case.usage("-v and -vv were both given", "--verbose", "get", "dev", "-vv"));
        c.add(Case.usage("no command given"));
        c.add(Case.of(2, "output format 'xml' is unknown; allowed: table, json, csv", "list", "-o", "xml"));
        c.add(Case.of(2, "unknown state 'happy'", "list", "--state", "happy"));
        // what the user typed is echoed with its control characters shown as '?', never sent to the terminal
        c.add(Case.of(2, "unknown state 'run?[31m'", "list", "--state", "run\u001b[31m"));
        c.add(Case.usage("takes one environment NAME, got 2 (a b?[31mRED)", "get", "a", "b\u001b[31mRED"));
        c.add(Case.usage("unknown command '?[31mfoo'", "\u001b[31mfoo"));
        c.add(Case.usage("unknown option '--?[31m'", "list", "--\u001b[31m"));
        c.add(Case.of(2, "apply file nofile?[31m does not exist", "apply", "-f", "nofile\u001b[31m"));
        c.add(Case.of(2, "subnet '10.0.0.0?[2J' is invalid", "create", "web", "--subnet", "10.0.0.0\u001b[2J"));
        c.add(Case.of(2, "config key store.jdbc.migrate in escape-migrate.properties: 'au?[31mto' is invalid",
                "--config", "escape-migrate.properties", "--store", "jdbc:postgresql://127.0.0.1:1/x", "list"));
        c.add(Case.of(2, "unknown config key 'store.csv.x?[31m'", "--config", "escape-key.properties", "list"));
        c.add(Case.of(2, "unknown provider 'docker-desktop'", "create", "web", "--provider", "docker-desktop"));
        // a JSON escape of half a surrogate pair is no character: stored, it would become "?", and diff would never be clean
        c.add(Case.of(2, "label 'team' value contains a lone surrogate", "apply", "-f", "surrogate.json"));
        c.add(Case.of(3, "environment 'nope' not found", "delete", "nope"));
        c.add(Case.of(3, "environment 'nope' not found", "get", "nope"));
        c.add(Case.of(3, "environment 'nope' not found", "stop", "nope"));
        c.add(Case.of(3, "environment 'nope' not found", "start", "nope"));
        c.add(Case.of(3, "environment 'nope' not found", "stop", "dev", "nope"));
        c.add(Case.of(3, "environment 'nope' not found", "start", "uat", "nope"));
        c.add(Case.usage("stop takes one or more environment NAMEs, got none", "stop"));
        c.add(Case.usage("start takes one or more environment NAMEs, got none", "start"));
        c.add(Case.of(2, "environment name 'Dev' is invalid", "stop", "Dev"));
        c.add(Case.usage("--bogus", "stop", "dev", "--bogus"));
        c.add(Case.of(2, "--concurrency '0' is invalid", "reconcile", "--concurrency", "0"));
        c.add(Case.of(2, "--interval 'soon' is not a positive duration", "reconcile", "--interval", "soon"));
        c.add(Case.of(2, "--interval '1ms' is too short; at least 1s", "reconcile", "--watch", "--interval", "1ms"));
        c.add(Case.of(2, "--interval '2.5s' has a fraction; durations are whole numbers with a unit, so write 2500ms "
                + "for 2.5s", "reconcile", "--watch", "--interval", "2.5s"));
        c.add(Case.of(2, "--interval '0s' is not a positive duration; write at least 1s, like 1s, 30s, 5m or 1h",
                "reconcile", "--watch", "--interval", "0s"));
        c.add(Case.usage("db takes one action, migrate or info", "db", "upgrade"));
        // db opens the store as every command does: a bad store.* value is named by its config key, once
        c.add(Case.of(2, "config key store.jdbc.connect-timeout in bad-jdbc-timeout.properties: 'soon' is not a "
                + "positive duration; write it like 500ms, 60s, 5m or 1h", "--config", "bad-jdbc-timeout.properties",
                "--store", "jdbc:postgresql://127.0.0.1:1/x", "db", "info"));
        // an empty store.jdbc.user is refused before connecting, not read as unset (another user would log in)
        for (String file : new String[]{"empty-jdbc-user.properties", "blank-jdbc-user.properties"}) {
            c.add(Case.of(2, "config key store.jdbc.user in " + file + ": the value is empty; give the database user "
                    + "to log in as, or leave the setting out to log in as the URL's user parameter, PGUSER or the "
                    + "operating-system user", "--config", file, "--store", "jdbc:postgresql://127.0.0.1:1/x", "list"));
        }
        c.add(Case.usage("host add takes one host NAME, got none;", "host", "add"));
        c.add(Case.of(2, "--subnet is empty; give an IPv4 CIDR such as 10.101.0.0/16, auto or none", "create",
                "web", "--subnet", ""));
        c.add(Case.usage("-f needs a value", "apply", "-f"));
        c.add(Case.of(2, "db commands work on a PostgreSQL store", "db", "info"));
        // config
        c.add(Case.of(2, "unknown config key 'pool.htp'", "--config", "bad-key.properties", "list"));
        // a bad value names its key once, with the file: config key KEY in FILE: what is wrong with the value
        c.add(Case.of(2, "config key reconcile.concurrency in bad-value.properties: 'many' is invalid; allowed: a "
                + "whole number from 1 to 64", "--config", "bad-value.properties", "list"));
        c.add(Case.of(2, "config key pool.http in bad-http-pool.properties: port pool 'abc' is invalid; write it "
                + "low-high, such as 18080-18399", "--config", "bad-http-pool.properties", "list"));
        c.add(Case.of(2, "config key pool.subnet in bad-subnet-pool.properties: subnet 'abc' has no prefix length",
                "--config", "bad-subnet-pool.properties", "list"));
        c.add(Case.of(2, "config key pool.subnet.prefix in bad-subnet-prefix.properties: 'abc' is invalid; write a "
                + "prefix length such as 24", "--config", "bad-subnet-prefix.properties", "list"));
        c.add(Case.of(2, "config key reconcile.interval in bad-interval.properties: 'soon' is not a positive "
                + "duration", "--config", "bad-interval.properties", "list"));
        // a pool smaller than the default prefix's blocks: the pool is named with its file, the prefix as the default
        c.add(Case.of(2, "config key pool.subnet in small-subnet-pool.properties: pool 10.0.0.0/26 is smaller than the "
                + "/24 blocks envctl allocates (pool.subnet.prefix, default 24); set pool.subnet.prefix to 26 or more "
                + "(at most 30), or a larger pool", "--config", "small-subnet-pool.properties", "list"));
        c.add(Case.of(2, "unknown config key 'store.csv.lock-timout'", "--config", "bad-store-key.properties",
                "list"));
        c.add(Case.of(2, "unknown config key 'provider.k3d.colour'", "--config", "bad-provider-key.properties",
                "list"));
        c.add(Case.of(2, "config key pool.subnet in loopback-pool.properties: 127.0.0.0/8 overlaps the loopback "
                + "(127.0.0.0/8) range", "--config", "loopback-pool.properties", "create", "ok3", "--subnet", "auto"));
        // a plugin's setting too is named once, by its config key; what follows says what is wrong with the value
        c.add(Case.of(2, "config key hook.exec.timeout in bad-hook-timeout.properties: '60s  # per script' is not a "
                + "positive duration; write it like 500ms, 60s, 5m or 1h", "--config", "bad-hook-timeout.properties",
                "list"));
        c.add(Case.of(2, "config key hook.exec.dir in relative-hook-dir.properties: 'rel/hooks' is not an absolute "
                + "path; allowed: an absolute path, such as /srv/envctl/hooks, or one starting with ~/ (a folder under "
                + "$HOME)", "--config", "relative-hook-dir.properties", "list"));
        c.add(Case.of(2, "config key provider.kind.timeout in bad-provider-timeout.properties: 'soon' is not a "
                + "positive duration; write it like 500ms, 60s, 5m or 1h", "--config", "bad-provider-timeout.properties",
                "list"));
        // the plugin's error says which setting it is about; its text need not quote the key
        c.add(Case.of(2, "config key provider.k3d.binary in empty-provider-binary.properties: the value is empty; "
                + "give a command name such as k3d or a path to it", "--config", "empty-provider-binary.properties",
                "list"));
        c.add(Case.of(2, "config file missing.properties does not exist", "--config", "missing.properties", "list"));
        c.add(Case.of(2, "config key store.csv.lock-timeout in bad-store-value.properties: 'abc' is not a positive "
                + "duration; write it like 500ms, 60s, 5m or 1h", "--config", "bad-store-value.properties", "list"));
        // every command but version, help and plugins reads the config and checks all of it (migrate included)
        c.add(Case.of(2, "unknown config key 'bogus.key'", "--config", "bogus-key.properties", "doctor"));
        c.add(Case.of(2, "config key provider.default in nope-provider.properties names the provider 'nope'",
                "--config", "nope-provider.properties", "list"));
        c.add(Case.of(2, "config key migrate.skip in bad-skip.properties: environment name 'BAD' is invalid",
                "--config", "bad-skip.properties", "list"));
        c.add(Case.of(2, "config key migrate.skip in bad-skip.properties: environment name 'BAD' is invalid",
                "--config", "bad-skip.properties", "migrate", "--from", "from.csv", "--to", "to.csv", "--dry-run"));
        c.add(Case.of(2, "unknown config key 'bogus.key'", "--config", "bogus-key.properties", "migrate", "--from",
                "from.csv", "--to", "to.csv", "--skip", "dev", "--dry-run"));
        // an empty --store or --config is not "absent": it would write the default store or read ENVCTL_CONFIG
        c.add(Case.of(2, "--store is empty; give a store location", "--store", "", "create", "emp", "--no-wait"));
        c.add(Case.of(2, "--store is empty; give a store location", "--store", " ", "list"));
        c.add(Case.of(2, "--config is empty; give a config file", "--config", "", "list"));
        c.add(Case.of(2, "--config is empty; give a config file", "create", "emp", "--no-wait", "--config", ""));
        // stores
        c.add(Case.of(5, "127.0.0.1:1", "--store", "jdbc:postgresql://127.0.0.1:1/envctl", "list"));
        c.add(Case.of(2, "no store opens 'mysql://h/db'", "--store", "mysql://h/db", "list"));
        c.add(Case.of(2, "contains a password", "--store", "jdbc:postgresql://u:hunter2@127.0.0.1:1/x", "list"));
        c.add(Case.of(2, "contains a password", "--store", "jdbc:postgresql://u:hunter2 x@127.0.0.1:1/x", "list"));
        c.add(Case.of(2, "contains a password", "--store", "jdbc:postgresql://1.1.1.1:1/x?password=a;hunter2", "list"));
        return c;
    }

    @Test
    void everyBadInputGetsItsExitCodeAOneLineMessageAndChangesNothing() {
        byte[] before = Workspace.bytes(ws.defaultStore());
        int callsBefore = ws.calls().size();
        assertSoftly(soft -> {
            for (Case c : cases()) {
                Result r = ws.run(c.args());
                soft.assertThat(r.exit()).as("exit of %s", r).isEqualTo(c.exit());
                List<String> lines = r.errLines();
                soft.assertThat(lines).as("stderr of %s", r).isNotEmpty();
                if (lines.isEmpty()) {
                    continue;
                }
                soft.assertThat(lines.get(0)).as("message of %s", r).startsWith("envctl: ").contains(c.expect());
                soft.assertThat(lines.stream().filter(l -> l.startsWith("envctl:")).count()).as("%s", r).isEqualTo(1);
                if (c.usage()) {
                    soft.assertThat(r.err()).as("usage of %s", r).contains("Usage: envctl");
                } else {
                    soft.assertThat(lines).as("one line: %s", r).hasSize(1);
                }
                soft.assertThat(r.err()).as("no stack trace: %s", r).doesNotContain("\tat ", "Exception");
                soft.assertThat(r.err().replace("\n", "").chars().filter(Character::isISOControl).count())
                        .as("control characters on the terminal: %s", r).isZero();
                soft.assertThat(r.out() + r.err()).as("no password: %s", r).doesNotContain("hunter2");
                soft.assertThat(Workspace.bytes(ws.defaultStore())).as("store after %s", r).isEqualTo(before);
            }
        });
        assertThat(ws.calls().stream().skip(callsBefore).filter(c -> c.contains("create") || c.contains("delete")
                || c.contains("stop") || c.contains("start")))
                .as("provider commands run by bad input").isEmpty();
    }

    /**
     * A store location no store opens, or one holding a password, ends with what chose it, as the message of a store
     * that does not answer does: 'store' or 'fallback.store' in the config, ENVCTL_STORE (set long ago, perhaps).
     */
    @Test
    void aStoreLocationRefusedSaysWhatChoseIt() {
        ws.write("nope-store.properties", "store=nope:x\n");
        ws.write("nope-fallback.properties", "fallback.store=nope:y\n");
        byte[] before = Workspace.bytes(ws.defaultStore());

        Result inConfig = ws.run("--config", "nope-store.properties", "list");
        Result inFallback = ws.run("--config", "nope-fallback.properties", "create", "nf", "--no-wait");
        Result inEnvironment = ws.run(Map.of("ENVCTL_STORE", "nope:z"), "list");
        Result password = ws.run(Map.of("ENVCTL_STORE", "jdbc:postgresql://u:hunter2@127.0.0.1:1/x"), "list");

        assertThat(List.of(inConfig, inFallback, inEnvironment, password)).allSatisfy(r -> {
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.errLines()).as(r.toString()).hasSize(1);
            assertThat(r.err()).doesNotContain("hunter2");
        });
        assertThat(inConfig.err()).startsWith("envctl: no store opens 'nope:x'; known stores: ")
                .endsWith(" (store chosen by 'store' in the config)\n");
        assertThat(inFallback.err()).startsWith("envctl: no store opens 'nope:y'; known stores: ")
                .endsWith(" (fallback store chosen by 'fallback.store' in the config)\n");
        assertThat(inEnvironment.err()).startsWith("envctl: no store opens 'nope:z'; ")
                .endsWith(" (store chosen by ENVCTL_STORE)\n");
        assertThat(password.err()).contains("contains a password").endsWith(" (store chosen by ENVCTL_STORE)\n");
        assertThat(Workspace.bytes(ws.defaultStore())).isEqualTo(before);
    }

    @Test
    void anEmptyStoreOrConfigFlagDoesNotFallBackToTheEnvironment() {
        ws.write("other.properties", "reconcile.concurrency=2\n");
        Result store = ws.run(Map.of("ENVCTL_STORE", "other.csv"), "--store", "", "create", "emp", "--no-wait");
        Result config = ws.run(Map.of("ENVCTL_CONFIG", "other.properties"), "--config", "", "list");

        assertThat(store.exit()).as(store.toString()).isEqualTo(2);
        assertThat(store.errLines()).containsExactly("envctl: --store is empty; give a store location (csv:PATH, "
                + "a PATH ending in .csv or jdbc:postgresql://HOST:PORT/DB), or leave --store out for ENVCTL_STORE, the "
                + "config's store or the default");
        assertThat(tmp.resolve("other.csv")).doesNotExist();
        assertThat(config.exit()).as(config.toString()).isEqualTo(2);
        assertThat(config.errLines()).containsExactly("envctl: --config is empty; give a config file, or leave "
                + "--config out for ENVCTL_CONFIG or ~/.envctl/config.properties");
    }

    @Test
    void versionHelpAndPluginsReadNoConfigSoTheyAnswerWhileItIsBroken() {
        for (String config : List.of("bogus-key.properties", "nope-provider.properties", "missing.properties")) {
            Result version = ws.run("--config", config, "version");
            Result help = ws.run("--config", config, "list", "--help");
            Result helpCommand = ws.run("--config", config, "help", "list");
            Result plugins = ws.run("--config", config, "plugins");

            assertThat(version.exit()).as(version.toString()).isZero();
            assertThat(version.out()).startsWith("envctl ");
            assertThat(help.exit()).as(help.toString()).isZero();
            assertThat(helpCommand.exit()).as(helpCommand.toString()).isZero();
            assertThat(helpCommand.out()).isEqualTo(help.out());
            assertThat(plugins.exit()).as(plugins.toString()).isZero();
            assertThat(plugins.out()).contains("provider  k3d");
            assertThat(plugins.err()).isEmpty();
        }
    }

    @Test
    void verboseAddsTheStackTraceAfterTheMessage() {
        Result r = ws.run(Map.of(), "-v", "--store", "jdbc:postgresql://127.0.0.1:1/envctl", "list");

        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.errLines().get(0)).startsWith("envctl: ");
        assertThat(r.err()).contains("\tat ");
    }
}
