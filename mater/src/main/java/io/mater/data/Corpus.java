package io.mater.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A scanned dataset: its classes, its clips (sorted by path), and the files that were skipped as bad
 * (only when the scan was asked to skip them; otherwise they fail the scan with {@link BadFilesException}).
 */
public record Corpus(String name, List<String> classes, List<Clip> clips, List<Problem> problems) {
    public Corpus {
        classes = List.copyOf(classes);
        clips = List.copyOf(clips);
        problems = List.copyOf(problems);
    }

    /** A file that could not be used, and why. */
    public record Problem(Path path, String reason) {
        @Override
        public String toString() {
            return path + ": " + reason;
        }
    }

    /** Thrown by a scan that found bad files and was not told to skip them; lists them all. */
    public static final class BadFilesException extends IOException {
        private final transient List<Problem> problems;

        public BadFilesException(String dataset, Path root, List<Problem> problems) {
            super(message(dataset, root, problems));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }

        private static String message(String dataset, Path root, List<Problem> problems) {
            var sb = new StringBuilder(dataset + " under " + root + ": " + problems.size()
                    + " bad file(s) (pass skipBad to skip them):");
            int shown = Math.min(problems.size(), 20);
            for (int i = 0; i < shown; i++) sb.append("\n  ").append(problems.get(i));
            if (shown < problems.size()) sb.append("\n  ... and ").append(problems.size() - shown).append(" more");
            return sb.toString();
        }
    }

    /** Clips per class name, in class order (classes without clips included, with 0). */
    public Map<String, Integer> countsByClass() {
        var m = new LinkedHashMap<String, Integer>();
        for (var c : classes) m.put(c, 0);
        for (var c : clips) m.merge(classes.get(c.label()), 1, Integer::sum);
        return m;
    }

    /** Clips per subject, subjects sorted. */
    public Map<String, Integer> countsBySubject() {
        var m = new TreeMap<String, Integer>();
        for (var c : clips) m.merge(c.subject(), 1, Integer::sum);
        return m;
    }

    /** Subjects, sorted. */
    public List<String> subjects() {
        return List.copyOf(countsBySubject().keySet());
    }

    /** A table of clip counts per subject and class, with totals, durations and skipped files. */
    public String summary() {
        var sb = new StringBuilder();
        var rates = new TreeSet<Integer>();
        double min = Double.POSITIVE_INFINITY, max = 0, total = 0;
        for (var c : clips) {
            rates.add(c.sampleRate());
            min = Math.min(min, c.seconds());
            max = Math.max(max, c.seconds());
            total += c.seconds();
        }
        sb.append(String.format("%s: %d clips, %d classes, %d subjects, %d bad file(s) skipped", name, clips.size(), classes.size(),
                countsBySubject().size(), problems.size()));
        if (!clips.isEmpty())
            sb.append(String.format("; %.2f-%.2f s (mean %.2f s); sample rate(s) %s Hz", min, max, total / clips.size(), rates));
        sb.append('\n');
        var widths = classes.stream().mapToInt(c -> Math.max(5, c.length())).toArray();
        sb.append(String.format("%-8s", "subject"));
        for (int i = 0; i < classes.size(); i++) sb.append(String.format(" %" + widths[i] + "s", classes.get(i)));
        sb.append(String.format(" %6s%n", "total"));
        var table = new TreeMap<String, int[]>();
        for (var c : clips) table.computeIfAbsent(c.subject(), k -> new int[classes.size()])[c.label()]++;
        var sums = new int[classes.size()];
        for (var e : table.entrySet()) {
            appendRow(sb, e.getKey(), e.getValue(), widths);
            for (int i = 0; i < sums.length; i++) sums[i] += e.getValue()[i];
        }
        appendRow(sb, "total", sums, widths);
        for (var p : problems) sb.append("skipped ").append(p).append('\n');
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String label, int[] counts, int[] widths) {
        sb.append(String.format("%-8s", label));
        int total = 0;
        for (int i = 0; i < counts.length; i++) {
            sb.append(String.format(" %" + widths[i] + "d", counts[i]));
            total += counts[i];
        }
        sb.append(String.format(" %6d%n", total));
    }
}
