package io.mater.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line options: {@code --name value}, {@code --name=value} and flags ({@code --quiet}), plus
 * positional arguments. Each command declares the options it knows; an unknown one is an error that lists
 * them. Typed getters name the option in their error messages.
 */
public final class Args {
    /** Thrown for bad command lines; the message is meant for the user. */
    public static final class UsageException extends IllegalArgumentException {
        public UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Parses args; valued and flags are the option names (without dashes) the command accepts. */
    public Args(String command, String[] args, Set<String> valued, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                for (int j = i + 1; j < args.length; j++) positional.add(args[j]);
                break;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false"))
                    throw new UsageException(command + ": --" + name + " is a flag and takes no value");
                values.put(name, value == null ? "true" : value.toLowerCase());
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2))
                        throw new UsageException(command + ": --" + name + " needs a value");
                    value = args[++i];
                }
                values.put(name, value);
            } else {
                var known = new TreeSet<String>();
                valued.forEach(v -> known.add("--" + v + " VALUE"));
                flags.forEach(f -> known.add("--" + f));
                throw new UsageException(command + ": unknown option --" + name + "\nknown options: " + String.join(", ", known)
                        + "\n(see: mater " + command + " --help)");
            }
        }
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return "true".equals(values.get(name));
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String required(String name) {
        String v = values.get(name);
        if (v == null) throw new UsageException("missing required option --" + name);
        return v;
    }

    public int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    public long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    public double number(String name, double fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }
}
