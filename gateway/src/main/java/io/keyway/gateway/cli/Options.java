package io.keyway.gateway.cli;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A command's options: {@code --name value} pairs, {@code --flag}s and positional arguments. */
final class Options {
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final List<String> positional = new ArrayList<>();

  static boolean wantsHelp(Deque<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  static Options parse(Deque<String> args, List<String> withValue, List<String> flagNames) {
    Options o = new Options();
    while (!args.isEmpty()) {
      String a = args.poll();
      if (withValue.contains(a)) {
        String v = args.poll();
        if (v == null || v.startsWith("--")) {
          throw new UsageException(a + " needs a value");
        }
        o.values.put(a, v);
      } else if (flagNames.contains(a)) {
        o.flags.add(a);
      } else if (a.startsWith("--")) {
        throw new UsageException("unknown option " + a);
      } else {
        o.positional.add(a);
      }
    }
    return o;
  }

  Optional<String> value(String name) {
    return Optional.ofNullable(values.get(name));
  }

  boolean flag(String name) {
    return flags.contains(name);
  }

  List<String> positional() {
    return positional;
  }
}
