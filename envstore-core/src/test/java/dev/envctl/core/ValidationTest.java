package dev.envctl.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationTest {

    private static void assertInvalid(Runnable r, String fragment) {
        assertThatThrownBy(r::run).isInstanceOf(EnvctlException.class).hasMessageContaining(fragment)
                .satisfies(e -> {
                    assertThat(((EnvctlException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "dev", "dev-k3d", "0", "a1", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsLowercaseRfc1123LabelsUpTo32Characters(String name) {
        assertThat(Validation.requireName(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp://h:99999", "tcp://h:0", "ssh://me@h:65536/run/docker.sock", "tcp://h:9999999999"})
    void rejectsAnEndpointPortOutOfRangeSayingTheRange(String endpoint) {
        String port = endpoint.replaceAll("^.*:(\\d+).*$", "$1");
        assertThatThrownBy(() -> Validation.requireEndpoint(endpoint)).isInstanceOf(EnvctlException.class)
                .hasMessage("Docker endpoint '" + endpoint + "' is invalid: port " + port + " is out of range; "
                        + "allowed: 1 to 65535");
        assertThat(Validation.requireEndpoint("tcp://h:65535")).isEqualTo("tcp://h:65535");
    }

    @Test
    void rejectsA33CharacterNameSayingTheLimit() {
        assertInvalid(() -> Validation.requireName("abcdefghijklmnopqrstuvwxyz0123456"), "at most 32");
        // the rule is k3d's, yet it holds for a kind environment and a host too: the message says so
        assertThatThrownBy(() -> Validation.requireHostName("h".repeat(33))).hasMessage("host name '" + "h".repeat(33)
                + "' is 33 characters long; at most 32 are allowed (the limit k3d sets on cluster names, which envctl "
                + "applies to every name, also with kind)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-dev", "dev-", "Dev", "dev_k3d", "dev.k3d", "dev k3d", "dév", "dev;rm", "$(id)",
            "dev\nx", "--flag", "a'b"})
    void rejectsOtherNamesSayingWhatIsAllowed(String name) {
        assertInvalid(() -> Validation.requireName(name), "allowed");
    }

    @Test
    void rejectsEmptyAndMissingNames() {
        assertInvalid(() -> Validation.requireName(""), "empty");
        assertInvalid(() -> Validation.requireName(null), "empty");
    }

    @Test
    void echoedInputHasNoControlCharacters() {
        assertThatThrownBy(() -> Validation.requireName("bad\nname")).hasMessageContaining("bad?name");
    }

    @Test
    void portsAreOneTo65535() {
        assertThat(Validation.requirePort("http port", 1)).isEqualTo(1);
        assertThat(Validation.requirePort("http port", 65535)).isEqualTo(65535);
        assertInvalid(() -> Validation.requirePort("http port", 0), "1 to 65535");
        assertInvalid(() -> Validation.requirePort("http port", 65536), "1 to 65535");
        assertInvalid(() -> Validation.requirePort("http port", -1), "http port -1");
    }

    @Test
    void duplicatePortsInsideOneRequestAreRejected() {
        assertInvalid(() -> new HostPorts(18080, 18080, null, null), "both http and https");
        assertThat(new HostPorts(18080, null, null, 18081).values()).containsExactly(18080, 18081);
    }

    @Test
    void labelKeysAndValuesAreChecked() {
        assertThat(Validation.requireLabels(Map.of("register_portainer", "true", "team.a-b", "x; $(id) 'q'")))
                .hasSize(2);
        assertInvalid(() -> Validation.requireLabels(Map.of("1abc", "x")), "label key");
        assertInvalid(() -> Validation.requireLabels(Map.of("a b", "x")), "label key");
        // the message states the whole rule, the last character included
        assertInvalid(() -> Validation.requireLabels(Map.of("bad-", "x")), "label key 'bad-' is invalid; allowed: a "
                + "letter, then letters, digits, '_', '.' or '-', ending in a letter or digit, at most 63 characters");
        assertInvalid(() -> Validation.requireLabels(Map.of("a=b", "x")), "label key");
        assertInvalid(() -> Validation.requireLabels(Map.of("k".repeat(64), "x")), "at most 63");
        assertInvalid(() -> Validation.requireLabels(Map.of("k", "x\ny")), "control character");
        assertInvalid(() -> Validation.requireLabels(Map.of("k", "v".repeat(254))), "at most 253");
        // a lone surrogate (a JSON or YAML escape of half a pair) is no character: UTF-8 writes it as "?"
        assertInvalid(() -> Validation.requireLabels(Map.of("k", "x\ud800y")), "lone surrogate");
        assertInvalid(() -> Validation.requireOptions(Map.of("image", "\udc00")), "lone surrogate");
        assertThat(Validation.requireLabels(Map.of("k", "caf\u00e9 \ud83d\ude00"))).hasSize(1);
        // characters are counted, not the UTF-16 units Java keeps them in: an emoji is one character, not two
        assertThat(Validation.requireLabels(Map.of("k", "\ud83d\ude00".repeat(253)))).hasSize(1);
        assertInvalid(() -> Validation.requireLabels(Map.of("k", "\ud83d\ude00".repeat(254))),
                "value is 254 characters long; at most 253");
    }

    @Test
    void providerIdsAreLowercaseWords() {
        assertThat(Validation.requireProviderId("k3d")).isEqualTo("k3d");
        assertThat(Validation.requireProviderId("my-provider")).isEqualTo("my-provider");
        assertInvalid(() -> Validation.requireProviderId("K3D"), "provider");
        assertInvalid(() -> Validation.requireProviderId(""), "provider");
        // an embedder's EnvironmentSpec.of("web", null): no provider given, not a provider named 'null'
        assertThatThrownBy(() -> EnvironmentSpec.of("web", null)).hasMessage("provider is missing; a provider id "
                + "is lowercase letters, digits and '-', such as k3d or kind");
    }

    @Test
    void specAppliesDefaultsAndValidatesEverything() {
        EnvironmentSpec s = EnvironmentSpec.of("dev", "kind");
        assertThat(s.nodePort()).isEqualTo(30080);
        assertThat(s.subnet()).isEqualTo(SubnetRequest.NONE);
        assertThat(s.ports()).isEqualTo(HostPorts.NONE);
        assertInvalid(() -> s.withNodePort(0), "node port");
        assertInvalid(() -> EnvironmentSpec.of("Bad", "kind"), "environment name");
    }

    @Test
    void subnetRequestsParseNoneAutoAndCidrs() {
        assertThat(SubnetRequest.parse("none")).isEqualTo(SubnetRequest.NONE);
        assertThat(SubnetRequest.parse("")).isEqualTo(SubnetRequest.NONE);
        assertThat(SubnetRequest.parse("auto")).isEqualTo(SubnetRequest.AUTO);
        assertThat(SubnetRequest.parse("10.1.0.0/16").cidr()).isEqualTo(Cidr.parse("10.1.0.0/16"));
        assertInvalid(() -> SubnetRequest.parse("10.1.0.1/16"), "10.1.0.0/16");
        // as -o and --state, the two words in any case; anything else without a prefix says what is allowed
        assertThat(SubnetRequest.parse("AUTO")).isEqualTo(SubnetRequest.AUTO);
        assertThat(SubnetRequest.parse("None")).isEqualTo(SubnetRequest.NONE);
        assertInvalid(() -> SubnetRequest.parse("banana"), "subnet 'banana' is invalid; allowed: auto, none or an "
                + "IPv4 CIDR such as 10.101.0.0/16");
    }

    @Test
    void statesParseTheirWireNames() {
        assertThat(ActualState.ofKey("running")).isEqualTo(ActualState.RUNNING);
        assertThat(DesiredState.ofKey("absent")).isEqualTo(DesiredState.ABSENT);
        assertInvalid(() -> ActualState.ofKey("gone"), "allowed");
        assertInvalid(() -> PortRole.ofKey("ssh"), "allowed");
    }

    @Test
    void redactionRemovesPasswords() {
        assertThat(Redaction.redact("jdbc:postgresql://envctl:s3cret@db:5432/envctl?password=s3cret&ssl=true"))
                .doesNotContain("s3cret").contains("db:5432/envctl").contains("ssl=true");
        assertThat(Redaction.redact("jdbc:postgresql://db/envctl?user=u")).isEqualTo("jdbc:postgresql://db/envctl?user=u");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://envctl:s3cr@t@db:5432/envctl", "jdbc:postgresql://envctl:s3cr/t@db/envctl",
            "jdbc:postgresql://envctl:s3cr?t@db:5432/envctl?ssl=true", "jdbc:postgresql://envctl:s3cr#t@db/envctl",
            "jdbc:postgresql://envctl:s3cr@t@db,db2:5433/envctl", "jdbc:postgresql://envctl:s3cr@t@[::1]:5432/envctl"})
    void redactionRemovesPasswordsHoldingUrlDelimiters(String url) {
        String redacted = Redaction.redact("store " + url + " failed");
        assertThat(redacted).doesNotContain("s3cr").doesNotContain("t@").startsWith("store jdbc:postgresql://envctl:***@")
                .endsWith("/envctl" + (url.endsWith("?ssl=true") ? "?ssl=true" : "") + " failed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh://me:my s3cret@two", "tcp://me:my/s3cret?x@two:2376", "ssh://me@two?password=my;s3cret",
            "ssh://me@two?password=my s3cret", "ssh://me@two:99999?pwd=my;s3cret"})
    void aDockerEndpointWithAPasswordIsRefusedWithoutAnyPieceOfIt(String endpoint) {
        // the record refuses some (requireEndpoint), a host being added the others (a query)
        assertThatThrownBy(() -> new Host("two", endpoint, null, Map.of(), null).requireAddable())
                .isInstanceOf(EnvctlException.class).hasMessageStartingWith("Docker endpoint '")
                .hasMessageNotContaining("my").hasMessageNotContaining("s3cret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://db:5432/envctl?user=admin@db", "jdbc:postgresql://db/envctl?user=admin@db",
            "jdbc:postgresql://db:5432/envctl?user=admin@db&sslmode=require", "jdbc:postgresql://db:5432/envctl",
            "jdbc:postgresql://db:5432/envctl?sslrootcert=/home/me@corp.example/ca.pem",
            "jdbc:postgresql://db/envctl?sslmode=verify-full&sslrootcert=/home/me@corp.example/ca.pem"})
    void redactionLeavesUrlsWithoutPasswordsAlone(String url) {
        assertThat(Redaction.redact(url)).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "192.168.1.20", "255.255.255.255", "::1", "::", "fd00::20",
            "2001:db8::1", "::ffff:10.0.0.1"})
    void ipAddressesAreIpAddresses(String text) {
        assertThat(Validation.isIpAddress(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "gpu1.example.com", "999.1.1.1", "10.0.0", "10.0.0.1:80", "01.2.3.4",
            "[::1]", ":", "1:2", "fe80::1%eth0", ".1::", "::1 ", "abc"})
    void anythingElseIsNot(String text) {
        assertThat(Validation.isIpAddress(text)).isFalse();
    }

    /**
     * A value quoted in a message shows what it holds: a character that prints as nothing (a zero-width space, a
     * no-break space, a byte order mark, a line separator) is written as its code, so "'recreate' is invalid;
     * allowed: recreate" cannot happen; a control character stays '?', and letters of any script stay as they are.
     */
    @Test
    void printableShowsTheCharactersThatPrintAsNothing() {
        assertThat(Validation.printable("recreate\u200B")).isEqualTo("recreate\\u200B");
        assertThat(Validation.printable("k3d\u00A0")).isEqualTo("k3d\\u00A0");
        assertThat(Validation.printable("\uFEFFx\u2028y")).isEqualTo("\\uFEFFx\\u2028y");
        assertThat(Validation.printable("a\u0007b\tc")).isEqualTo("a?b?c");
        assertThat(Validation.printable("h\u00E9llo w\u00F6rld \uD83D\uDC4D")).isEqualTo("h\u00E9llo w\u00F6rld \uD83D\uDC4D");
        assertThatThrownBy(() -> dev.envctl.core.provider.SettingValues.bool("fallback.mirror", "true\u200B"))
                .hasMessage("fallback.mirror 'true\\u200B' is not a boolean; allowed: true, false (any case), 1, 0");
    }
}
