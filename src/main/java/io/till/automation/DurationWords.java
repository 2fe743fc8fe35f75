package io.till.automation;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Durations as a seller types and reads them in the builder ("5 days", "2 hours 30 minutes", "90 min") beside the
 * ISO-8601 form a definition keeps (P5D, PT2H30M). What the words do not cover is left as typed, for the definition's
 * parser to name.
 */
final class DurationWords {

    private static final Pattern PART = Pattern.compile(
        "(\\d{1,6})\\s*(weeks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)");
    private static final Pattern WHOLE = Pattern.compile("(" + PART.pattern() + ")((\\s*,\\s*|\\s+and\\s+|\\s*)"
        + PART.pattern() + ")*");

    private DurationWords() {}

    /** The ISO-8601 form of what was typed; empty when it is not a duration in words (ISO text is kept as is). */
    static Optional<String> iso(String typed) {
        String text = typed.strip().toLowerCase(Locale.ROOT);
        // Long text is no duration, and the pattern repeating a group would recurse once per part.
        if (text.length() > 100 || !WHOLE.matcher(text).matches()) {
            return Optional.empty();
        }
        long days = 0;
        long seconds = 0;
        var parts = PART.matcher(text);
        while (parts.find()) {
            long n = Long.parseLong(parts.group(1));
            switch (parts.group(2).charAt(0)) {
                case 'w' -> days += 7 * n;
                case 'd' -> days += n;
                case 'h' -> seconds += 3_600 * n;
                case 'm' -> seconds += 60 * n;
                default -> seconds += n;
            }
        }
        days += seconds / 86_400;
        seconds %= 86_400;
        var iso = new StringBuilder("P");
        if (days > 0) {
            iso.append(days).append('D');
        }
        if (seconds > 0) {
            iso.append('T');
            if (seconds >= 3_600) {
                iso.append(seconds / 3_600).append('H');
            }
            if (seconds % 3_600 >= 60) {
                iso.append(seconds % 3_600 / 60).append('M');
            }
            if (seconds % 60 > 0) {
                iso.append(seconds % 60).append('S');
            }
        }
        return Optional.of(iso.length() == 1 ? "PT0S" : iso.toString());
    }

    /** A definition's duration in words ("1 day 2 hours"); the text itself when it is not an ISO-8601 duration. */
    static String words(String iso) {
        Duration duration;
        try {
            duration = Duration.parse(iso.strip());
        } catch (DateTimeParseException e) {
            return iso;
        }
        if (duration.isNegative() || duration.isZero() || duration.getNano() != 0) {
            return iso;
        }
        return String.join(" ", parts(duration));
    }

    /** A duration's parts in words, days first: "1 day", "2 hours"; none for less than a second. */
    static List<String> parts(Duration duration) {
        var parts = new ArrayList<String>();
        add(parts, duration.toDays(), "day");
        add(parts, duration.toHoursPart(), "hour");
        add(parts, duration.toMinutesPart(), "minute");
        add(parts, duration.toSecondsPart(), "second");
        return parts;
    }

    private static void add(List<String> parts, long n, String unit) {
        if (n > 0) {
            parts.add(n + " " + unit + (n == 1 ? "" : "s"));
        }
    }
}
