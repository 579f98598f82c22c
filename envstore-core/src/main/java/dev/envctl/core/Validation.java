package dev.envctl.core;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Checks of user input. Every failure is an {@link ErrorCode#INVALID_INPUT} with a one-line message. */
public final class Validation {
    /** k3d's limit on cluster names, applied to every environment and host name (kind allows longer ones). */
    public static final int MAX_NAME_LENGTH = 32;
    public static final int MAX_LABEL_KEY_LENGTH = 63;
    /** The prefix of the label keys envctl keeps for itself (such as {@code envctl.keep-record}). */
    public static final String OWN_LABEL_PREFIX = "envctl.";
    public static final int MAX_LABEL_VALUE_LENGTH = 253;
    public static final int MAX_PROVIDER_ID_LENGTH = 32;

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z]([a-zA-Z0-9_.-]*[a-zA-Z0-9])?");
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern NO_SPACE = Pattern.compile("[\\x21-\\x7e]+");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    /** What an IPv6 literal may consist of; starting with a hex digit or ':', so the JDK parses it, never looks it up. */
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");
    /** The port of a {@code tcp://} or {@code ssh://} endpoint: digits after the host, before any path. */
    private static final Pattern ENDPOINT_PORT = Pattern.compile(
            "(?:tcp|ssh)://(?:[^@/?#]*@)?(?:\\[[^\\]/]*]|[^:/?#\\[]*):([0-9]+)(?:[/?#].*)?");
    private static final List<String> ENDPOINT_SCHEMES = List.of("unix://", "tcp://", "ssh://", "npipe://",
            "context:");

    private Validation() {
    }

    /** Whether {@code s} is 1 to {@code maxLength} ASCII digits. */
    public static boolean isDigits(String s, int maxLength) {
        return s.length() <= maxLength && DIGITS.matcher(s).matches();
    }

    /** A lowercase RFC 1123 label of 1 to 32 characters: a-z, 0-9 and '-', not starting or ending with '-'. */
    public static String requireName(String name) {
        return requireDnsLabel("environment name", name);
    }

    /**
     * {@code names}, each a valid environment name ({@link #requireName}): the check of every method of the facade
     * and the engine that takes names. A null list, or one holding null, is a programmer's error: a
     * NullPointerException saying {@code names} or {@code names holds null}.
     */
    public static <T extends Collection<String>> T requireNames(T names) {
        requireNoNulls(names, "names").forEach(Validation::requireName);
        return names;
    }

    /**
     * {@code items}, or a NullPointerException naming {@code name} ({@code name} or {@code NAME holds null}) when it
     * or one of its elements is null: a programmer's error, as the facade and the engine report it.
     */
    public static <T extends Collection<?>> T requireNoNulls(T items, String name) {
        if (Objects.requireNonNull(items, name).stream().anyMatch(Objects::isNull)) {
            throw new NullPointerException(name + " holds null");
        }
        return items;
    }

    /**
     * A host name: the rules of {@link #requireName}; {@code auto} is reserved for placement.
     */
    public static String requireHostName(String name) {
        requireDnsLabel("host name", name);
        if (name.equals("auto")) {
            throw EnvctlException.invalid("host name 'auto' is reserved (it asks for placement); choose another");
        }
        return name;
    }

    /**
     * A Docker endpoint as {@code DOCKER_HOST} takes it ({@code unix://}, {@code tcp://}, {@code ssh://},
     * {@code npipe://}), or {@code context:NAME} for a docker context; no spaces or control characters. A
     * {@code tcp://} or {@code ssh://} endpoint names a host and, if any, a port from 1 to 65535; an
     * {@code ssh://} one carries no password (Docker refuses them: it logs in with SSH keys).
     */
    public static String requireEndpoint(String endpoint) {
        boolean scheme = ENDPOINT_SCHEMES.stream().anyMatch(endpoint::startsWith);
        if (!scheme || endpoint.length() > MAX_LABEL_VALUE_LENGTH || !NO_SPACE.matcher(endpoint).matches()
                || endpoint.endsWith("//") || endpoint.equals("context:") || !networkEndpoint(endpoint)) {
            Matcher port = ENDPOINT_PORT.matcher(endpoint);
            if (port.matches() && !isPort(port.group(1))) {
                throw EnvctlException.invalid("Docker endpoint '" + printable(Redaction.redactLocation(endpoint))
                        + "' is invalid: port " + port.group(1) + " is out of range; allowed: 1 to 65535");
            }
            throw invalidEndpoint(endpoint, "");
        }
        return endpoint;
    }

    /** Whether {@code digits} are a port from 1 to 65535. */
    private static boolean isPort(String digits) {
        String n = digits.replaceFirst("^0+", "");
        return !n.isEmpty() && n.length() <= 5 && Integer.parseInt(n) <= 65535;
    }

    /**
     * Whether a {@code tcp://} or {@code ssh://} endpoint has nothing after its host and port that Docker refuses or
     * drops: no query or fragment, and for {@code tcp://} no path (for {@code ssh://} a path names the remote
     * socket). Hosts being added are checked ({@link Host#requireAddable}); a store reads any endpoint of
     * {@link #requireEndpoint}.
     */
    static boolean isPlainEndpoint(String endpoint) {
        if (!endpoint.startsWith("tcp://") && !endpoint.startsWith("ssh://")) {
            return true;
        }
        try {
            URI uri = new URI(endpoint);
            return uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (endpoint.startsWith("ssh://") || uri.getRawPath().isEmpty());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The {@link ErrorCode#INVALID_INPUT} for {@code endpoint} (password redacted), {@code of} naming its host. */
    static EnvctlException invalidEndpoint(String endpoint, String of) {
        return EnvctlException.invalid("Docker endpoint '" + printable(Redaction.redactLocation(endpoint)) + "'" + of
                + " is invalid; allowed: unix://PATH, tcp://HOST[:PORT], ssh://[USER@]HOST[:PORT][/SOCKET] (no "
                + "password), npipe://PATH or context:NAME, with no query or fragment");
    }

    /** For {@code tcp://} and {@code ssh://}: a host, a port from 1 to 65535 if any, no password. */
    private static boolean networkEndpoint(String endpoint) {
        if (!endpoint.startsWith("tcp://") && !endpoint.startsWith("ssh://")) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            return false;
        }
        return uri.getHost() != null && (uri.getPort() == -1 || uri.getPort() >= 1 && uri.getPort() <= 65535)
                && (uri.getRawUserInfo() == null || !uri.getRawUserInfo().contains(":"));
    }

    /**
     * The form of a host's address as stores read it (a DNS name or an IP address); hosts being added must have
     * an IP address ({@link Host#requireAddable}).
     */
    public static String requireAddress(String address) {
        if (address.length() > MAX_LABEL_VALUE_LENGTH
                || !(ADDRESS.matcher(address).matches() || isIpAddress(address))) {
            throw EnvctlException.invalid("address '" + printable(address) + "' is invalid; allowed: an IP "
                    + "address, such as 192.168.1.20");
        }
        return address;
    }

    /**
     * Why no client reaches a machine at {@code text}, an IP address ({@link #isIpAddress}), as a Docker host's
     * address, said after the address ({@code "'224.0.0.1' is a multicast address ..."}): the unspecified address
     * ({@link #isUnspecifiedAddress}), a multicast one (224.0.0.0/4, ff00::/8, IPv4-mapped ones included) or the
     * broadcast address 255.255.255.255; empty for any other, loopback included (a daemon of the machine envctl runs
     * on), and the rest of the reserved 240.0.0.0/4 (unicast in form, which Linux assigns and routes).
     */
    public static Optional<String> unreachableAddress(String text) {
        if (isUnspecifiedAddress(text)) {
            return Optional.of("means every address of a machine, none that clients reach it at");
        }
        InetAddress a;
        try {
            a = isIpAddress(text) ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            a = null;
        }
        if (a != null && a.isMulticastAddress()) {
            return Optional.of("is a multicast address (224.0.0.0/4, ff00::/8), a group of machines, none that "
                    + "clients reach one at");
        }
        if (a != null && Arrays.equals(a.getAddress(), new byte[] {-1, -1, -1, -1})) {
            return Optional.of("is the broadcast address, every machine of a network, none that clients reach one at");
        }
        return Optional.empty();
    }

    /**
     * Whether {@code text}, an IP address ({@link #isIpAddress}), is the unspecified address ({@code 0.0.0.0},
     * {@code ::}): every address of a machine to bind to, none that clients can reach it at.
     */
    public static boolean isUnspecifiedAddress(String text) {
        try {
            return isIpAddress(text) && InetAddress.getByName(text).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Whether {@code text} is an IPv4 address (dotted decimal) or an IPv6 address (without brackets or zone), as
     * k3d and kind take them for the addresses they bind; no name is ever looked up.
     */
    public static boolean isIpAddress(String text) {
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (!text.contains(":") || !IPV6_TEXT.matcher(text).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Adds {@code name} to {@code seen}, the names of a list read so far (an apply's, a dry run's creates): a name
     * there already is {@code INVALID_INPUT}, as each environment may appear once in a list.
     */
    public static void requireListedOnce(Set<String> seen, String name) {
        if (!seen.add(name)) {
            throw EnvctlException.invalid("environment '" + name + "' is listed twice; each name may appear once");
        }
    }

    /**
     * Whether {@code key} starts with {@link #OWN_LABEL_PREFIX} in any case: {@code ENVCTL.X} is one too, as hooks
     * get both as the same variable ({@code ENVCTL_LABEL_ENVCTL_X}).
     */
    public static boolean isOwnLabel(String key) {
        return key.regionMatches(true, 0, OWN_LABEL_PREFIX, 0, OWN_LABEL_PREFIX.length());
    }

    /**
     * Refuses label keys starting with {@link #OWN_LABEL_PREFIX}, which users may not set; {@code of} names whose
     * labels they are (such as {@code " of host 'gpu1'"}), or is empty.
     */
    public static void requireNoOwnLabels(Map<String, String> labels, String of) {
        labels.keySet().stream().filter(Validation::isOwnLabel).findFirst().ifPresent(k -> {
            throw EnvctlException.invalid("label '" + printable(k) + "'" + of + " is envctl's own: keys starting "
                    + "with '" + OWN_LABEL_PREFIX + "' are reserved; choose another key");
        });
    }

    private static String requireDnsLabel(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw EnvctlException.invalid(what + " is empty; allowed: 1 to " + MAX_NAME_LENGTH
                    + " characters a-z, 0-9 and '-'");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw EnvctlException.invalid(what + " '" + printable(name) + "' is " + name.length()
                    + " characters long; at most " + MAX_NAME_LENGTH + " are allowed (the limit k3d sets on cluster "
                    + "names, which envctl applies to every name, also with kind)");
        }
        if (!NAME.matcher(name).matches()) {
            throw EnvctlException.invalid(what + " '" + printable(name) + "' is invalid; allowed: "
                    + "lowercase a-z, 0-9 and '-', starting and ending with a letter or digit");
        }
        return name;
    }

    public static String requireProviderId(String provider) {
        if (!isPluginId(provider)) {
            throw EnvctlException.invalid((provider == null ? "provider is missing" : "provider '"
                    + printable(provider) + "' is invalid")
                    + "; a provider id is lowercase letters, digits and '-', such as k3d or kind");
        }
        return provider;
    }

    /**
     * Whether {@code id} is a valid id for a store, provider or hook plugin: the provider id rule, lowercase
     * letters, digits and '-', starting with a letter, at most {@value #MAX_PROVIDER_ID_LENGTH} characters.
     */
    public static boolean isPluginId(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_PROVIDER_ID_LENGTH
                && PROVIDER_ID.matcher(id).matches();
    }

    public static int requirePort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw EnvctlException.invalid(what + " " + port + " is out of range; allowed: 1 to 65535");
        }
        return port;
    }

    /**
     * Label keys: a letter, then letters, digits, '_', '.', '-', ending with a letter or digit, at most
     * 63 characters. Values: at most 253 characters with no control characters (no newlines).
     */
    public static Map<String, String> requireLabels(Map<String, String> labels) {
        return requireEntries(labels, "label");
    }

    /**
     * Labels or options as one text, {@code gpu=true,zone=b} (the map's order), for tables and messages. A value with
     * a ',', a '"' or a space is in double quotes, with '"' and '\' in it after a '\' ({@code team="a,b=c"}): keys
     * hold none of these, so a value's ',' is never read as the next key's.
     */
    public static String pairs(Map<String, String> pairs) {
        return pairs.entrySet().stream().map(e -> e.getKey() + "=" + quotedIfNeeded(e.getValue()))
                .collect(Collectors.joining(","));
    }

    private static String quotedIfNeeded(String value) {
        return value.chars().anyMatch(c -> c == ',' || c == '"' || Character.isSpaceChar(c))
                ? '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : value;
    }

    /** Provider options: the same rules as {@link #requireLabels}, with messages that name an option. */
    public static Map<String, String> requireOptions(Map<String, String> options) {
        return requireEntries(options, "option");
    }

    /**
     * The option values a request gives (create's flags, an apply file's {@code options}), {@code of} naming whose
     * they are (such as {@code " of environment web"}): none with spaces around it. A provider reads {@code " 1"} as
     * 1, but the record would keep the text as given, which no flag gives ({@code --servers " 1"} is refused); a
     * record keeps what it holds ({@link #requireOptions}).
     */
    public static void requireOptionValuesAsWritten(Map<String, String> options, String of) {
        options.forEach((key, value) -> {
            if (!value.equals(value.strip())) {
                throw EnvctlException.invalid("option " + key + of + " '" + printable(value) + "' has spaces around "
                        + "it; allowed: the value alone, '" + printable(value.strip()) + "'");
            }
        });
    }

    private static Map<String, String> requireEntries(Map<String, String> entries, String what) {
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty() || key.length() > MAX_LABEL_KEY_LENGTH
                    || !LABEL_KEY.matcher(key).matches()) {
                throw EnvctlException.invalid(what + " key '" + printable(String.valueOf(key)) + "' is invalid; "
                        + "allowed: a letter, then letters, digits, '_', '.' or '-', ending in a letter or digit, "
                        + "at most " + MAX_LABEL_KEY_LENGTH + " characters");
            }
            String value = e.getValue();
            if (value == null) {
                throw EnvctlException.invalid(what + " '" + key + "' has no value");
            }
            // characters, as the rule says, not the UTF-16 units a String counts (an emoji is two of those)
            if (value.length() > MAX_LABEL_VALUE_LENGTH
                    && value.codePointCount(0, value.length()) > MAX_LABEL_VALUE_LENGTH) {
                throw EnvctlException.invalid(what + " '" + key + "' value is " + value.codePointCount(0,
                        value.length()) + " characters long; at most " + MAX_LABEL_VALUE_LENGTH + " are allowed");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isISOControl(c)) {
                    throw EnvctlException.invalid(what + " '" + key + "' value contains a control character "
                            + "(such as a newline or tab); allowed: printable characters");
                }
                if (Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++; // a pair: one character
                } else if (Character.isSurrogate(c)) {
                    // half a pair (an escape in a JSON or YAML file) is no character: UTF-8 would write it as '?'
                    throw EnvctlException.invalid(what + " '" + key + "' value contains a lone surrogate (half of "
                            + "a UTF-16 pair, such as an escape \\ud800 without its other half), which is no "
                            + "character; allowed: printable characters");
                }
            }
        }
        return entries;
    }

    /** An unmodifiable copy of checked {@code entries} sorted by key (empty maps share one instance). */
    public static Map<String, String> sortedCopy(Map<String, String> entries) {
        if (entries.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    /** The replacement of a control character in stored free text ({@link #encodeControls}). */
    public static final char REPLACEMENT = '\uFFFD';

    /**
     * Free text a store keeps (an environment's {@code lastError}) with every control character except tab,
     * newline and carriage return replaced by U+FFFD: the one rule every store follows, since PostgreSQL
     * text cannot hold U+0000 and a terminal must not receive escape sequences from a tool's output.
     */
    public static String encodeControls(String text) {
        if (text == null || text.chars().noneMatch(Validation::encoded)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text);
        for (int i = 0; i < b.length(); i++) {
            if (encoded(b.charAt(i))) {
                b.setCharAt(i, REPLACEMENT);
            }
        }
        return b.toString();
    }

    /** A control character other than tab, newline and carriage return. */
    private static boolean encoded(int c) {
        return Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r';
    }

    /**
     * Makes input safe to echo in a one-line message: control characters become '?', a character that prints as
     * nothing or as a plain space or line break (a format character such as a zero-width space or byte order mark, a
     * space other than ' ', a line or paragraph separator) its code ({@code \u200B}), and long text is cut.
     */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c)) {
                b.append('?');
            } else if (type == Character.FORMAT || type == Character.SPACE_SEPARATOR && c != ' '
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04X", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > 80) {
            b.append("...");
        }
        return b.toString();
    }
}
