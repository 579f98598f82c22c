package dev.envctl.core.provider;

import dev.envctl.core.InvalidValueException;
import dev.envctl.core.Validation;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the values provider settings and per-environment options share. Each failure is an
 * {@link InvalidValueException} whose message names the value ({@code what}) and says what is allowed, and whose
 * {@code problem()} says the same without the name. Stateless.
 */
public final class SettingValues {
    private SettingValues() {
    }

    /** The binary named by {@code key} (a command name or a path), {@code dflt} when the key is absent. */
    public static String binary(String provider, Map<String, String> settings, String key, String dflt) {
        String value = settings.getOrDefault(key, dflt).strip();
        if (value.isEmpty()) {
            String give = "give a command name such as " + dflt + " or a path to it";
            throw new InvalidValueException(provider + " setting " + key + " is empty; " + give,
                    "the value is empty; " + give);
        }
        return value;
    }

    /**
     * {@code true} or {@code false}, in any case, or {@code 1} or {@code 0}: the one rule of every boolean setting (a
     * provider's {@code wait}, which took 1 and 0 before, so environments recorded with them keep working; envctl's
     * {@code fallback.mirror}).
     */
    public static boolean bool(String what, String text) {
        String t = text == null ? "" : text.strip();
        if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false") && !t.equals("1") && !t.equals("0")) {
            throw InvalidValueException.of(what, "'" + Validation.printable(t) + "' is not a boolean; allowed: true, "
                    + "false (any case), 1, 0");
        }
        return t.equalsIgnoreCase("true") || t.equals("1");
    }

    /** A whole number of nodes from {@code min} to 99. */
    public static int count(String what, String text, int min) {
        String t = text == null ? "" : text.strip();
        if (t.matches("\\d{1,2}") && Integer.parseInt(t) >= min) {
            return Integer.parseInt(t);
        }
        throw InvalidValueException.of(what, "'" + Validation.printable(t) + "' is invalid; allowed: a whole number "
                + "from " + min + " to 99");
    }

    /**
     * An image reference as Docker parses one ({@code [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST]}, the grammar of
     * the distribution project's {@code reference} package): a repository of lowercase path components, each letters
     * and digits joined by {@code .}, {@code _}, {@code __} or dashes; a tag of at most 128 word characters, dots
     * and dashes; a digest {@code sha256:HEX} (or sha384, sha512) of lowercase hex of that algorithm's length. It
     * starts with a letter or digit, so it is never read as a flag of
     * the tool. Checked before anything is written: Docker would refuse it only once the create runs.
     * {@code example} shows one in the message.
     */
    public static String image(String what, String text, String example) {
        String t = text == null ? "" : text.strip();
        Matcher m = IMAGE.matcher(t);
        if (t.length() > MAX_IMAGE || !m.matches() || m.group(1).length() > MAX_IMAGE_NAME) {
            throw InvalidValueException.of(what, "'" + Validation.printable(t) + "' is invalid; allowed: an image "
                    + "reference [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST], the repository in lowercase letters and "
                    + "digits joined by . _ or -, such as " + example);
        }
        return t;
    }

    private static final int MAX_IMAGE = 512;
    private static final int MAX_IMAGE_NAME = 255;
    private static final Pattern IMAGE;

    static {
        String alnum = "[a-z0-9]+";
        String path = alnum + "(?:(?:[._]|__|-+)" + alnum + ")*";
        String domainPart = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        String domain = "(?:" + domainPart + "(?:\\." + domainPart + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
        String name = "(?:" + domain + "/)?" + path + "(?:/" + path + ")*";
        String tag = "\\w[\\w.-]{0,127}";
        // the algorithms Docker verifies, each with its length of lowercase hex (go-digest)
        String digest = "(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})";
        IMAGE = Pattern.compile("(" + name + ")(?::" + tag + ")?(?:@" + digest + ")?");
    }

    /**
     * A host address to publish ports on: an IPv4 or IPv6 address (the tools take no host names), every address of
     * the machine (0.0.0.0, ::) included, but no multicast or broadcast address, which no machine binds
     * ({@link Validation#unreachableAddress}).
     */
    public static String address(String what, String text) {
        String t = text == null ? "" : text.strip();
        if (!Validation.isIpAddress(t)) {
            throw InvalidValueException.of(what, "'" + Validation.printable(t) + "' is not an IP address; allowed: "
                    + "an IPv4 or IPv6 address such as 127.0.0.1 or 0.0.0.0 (the tools take no host names)");
        }
        if (!Validation.isUnspecifiedAddress(t)) {
            Validation.unreachableAddress(t).ifPresent(why -> {
                throw InvalidValueException.of(what, "'" + t + "' " + why + "; allowed: an address of this machine "
                        + "such as 127.0.0.1, or 0.0.0.0 for all of them");
            });
        }
        return t;
    }
}
