package io.mater.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long job: a redrawn bar with ETA on a terminal, plain lines otherwise, nothing when quiet.
 * Only the plain and bar forms print; callers report (done, total, status) and a final summary line.
 */
public final class Progress {
    public enum Mode { BAR, LINES, QUIET }

    private final Mode mode;
    private final PrintStream out;
    private String label = "";
    private int total;
    private long startNanos;
    private long lastLine;

    public Progress(Mode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    /** BAR when stdout is an interactive terminal, else LINES; QUIET when quiet. */
    public static Progress auto(boolean quiet) {
        if (quiet) return new Progress(Mode.QUIET, System.out);
        return new Progress(isTerminal() ? Mode.BAR : Mode.LINES, System.out);
    }

    static boolean isTerminal() {
        var console = System.console();
        if (console == null) return false;
        try {
            // Java 22+: Console.isTerminal(); before that a non-null console means a terminal.
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    public Mode mode() {
        return mode;
    }

    public void start(String label, int total) {
        this.label = label;
        this.total = Math.max(total, 1);
        this.startNanos = System.nanoTime();
        this.lastLine = 0;
    }

    /** Reports that done of total steps are finished, with a short status (loss, accuracy, ...). */
    public void update(int done, String status) {
        if (mode == Mode.QUIET) return;
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double eta = done > 0 ? elapsed / done * (total - done) : Double.NaN;
        if (mode == Mode.BAR) {
            int width = 28, filled = (int) Math.round((double) width * done / total);
            String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(width - filled);
            out.print(String.format(Locale.ROOT, "\r%s [%s] %d/%d %s  %s ETA %s\u001b[K", label, bar, done, total, status, time(elapsed), time(eta)));
            out.flush();
        } else {
            long now = System.nanoTime();
            // plain lines: every completed unit, but at most one line every 2 s unless finished
            if (done == total || now - lastLine > 2_000_000_000L) {
                lastLine = now;
                out.println(String.format(Locale.ROOT, "%s %d/%d %s elapsed %s ETA %s", label, done, total, status, time(elapsed), time(eta)));
            }
        }
    }

    /** Ends the current bar with a summary line. */
    public void finish(String summary) {
        if (mode == Mode.QUIET) return;
        if (mode == Mode.BAR) out.print("\r\u001b[K");
        out.println(summary);
    }

    /** A message line (not part of a bar). */
    public void message(String line) {
        if (mode == Mode.QUIET) return;
        if (mode == Mode.BAR) out.print("\r\u001b[K");
        out.println(line);
    }

    static String time(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "--:--";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
