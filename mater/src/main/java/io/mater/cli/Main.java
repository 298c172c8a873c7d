package io.mater.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Entry point of mater-engine.jar: {@code java -jar mater-engine.jar COMMAND [options]}.
 * Without the Vector API module in the module graph it relaunches itself once with
 * {@code --add-modules jdk.incubator.vector} (set MATER_NO_RELAUNCH=1 to run on the scalar kernels instead).
 */
public final class Main {
    private Main() {}

    /** A command of the CLI. */
    interface Command {
        String summary();

        /** Full help text, options included. */
        String help();

        /** Runs the command; returns the process exit code. */
        int run(String[] args) throws Exception;
    }

    static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
            "train", new TrainCommand(),
            "report", new ReportCommand(),
            "evaluate", new EvaluateCommand(),
            "predict", new PredictCommand(),
            "info", new InfoCommand(),
            "embed", new EmbedCommand(),
            "experiment", new ExperimentCommand(),
            "face", new FaceCommand()));

    public static void main(String[] args) {
        if (shouldRelaunch()) System.exit(relaunch(args));
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            if (args.length > 1 && COMMANDS.containsKey(args[1])) {
                out.println(COMMANDS.get(args[1]).help());
                return 0;
            }
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("version") || args[0].equals("--version")) {
            out.println("mater-engine " + version() + " (kernels: " + io.mater.engine.Simd.describe() + "; gc: " + collector() + ")");
            return 0;
        }
        Command c = COMMANDS.get(args[0]);
        if (c == null) {
            err.println("mater: unknown command '" + args[0] + "'\n\n" + usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (List.of(rest).contains("--help") || List.of(rest).contains("-h")) {
            out.println(c.help());
            return 0;
        }
        try {
            return c.run(rest);
        } catch (Args.UsageException e) {
            err.println("mater " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (IOException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            err.println("mater " + args[0] + ": error: " + e.getMessage());
            if (System.getenv("MATER_DEBUG") != null) e.printStackTrace(err);
            return 1;
        } catch (Exception e) {
            err.println("mater " + args[0] + ": unexpected error: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    static String usage() {
        var sb = new StringBuilder("usage: java -jar mater-engine.jar COMMAND [options]   (or ./mater.sh COMMAND ...)\n\ncommands:\n");
        COMMANDS.forEach((name, c) -> sb.append(String.format("  %-10s %s%n", name, c.summary())));
        sb.append("  version    print the version and the kernels in use\n\n'mater COMMAND --help' describes a command's options.");
        return sb.toString();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The JVM's garbage collectors, e.g. "PS MarkSweep + PS Scavenge" for the parallel one. */
    static String collector() {
        return String.join(" + ", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
    }

    private static boolean shouldRelaunch() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()
                && System.getProperty("mater.relaunched") == null
                && System.getenv("MATER_NO_RELAUNCH") == null
                && !"false".equalsIgnoreCase(System.getProperty("mater.simd"));
    }

    /** Runs this jar again in a JVM with the Vector API module, passing our JVM options and arguments. */
    private static int relaunch(String[] args) {
        try {
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            var cmd = new java.util.ArrayList<String>();
            cmd.add(javaBin);
            cmd.add("--add-modules=jdk.incubator.vector");
            cmd.add("-Dmater.relaunched=1");
            var jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            // The parallel collector unless the user chose one: a training step allocates its activations
            // afresh (about 1 GB in the paper configuration) and G1 made that step 1.14x slower idle, 1.8x beside other work (see README)
            if (jvmArgs.stream().noneMatch(a -> a.startsWith("-XX:+Use") && a.endsWith("GC"))) cmd.add("-XX:+UseParallelGC");
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            return p.waitFor();
        } catch (IOException | InterruptedException e) {
            System.err.println("mater: could not relaunch with the Vector API module (" + e.getMessage() + "); running on scalar kernels");
            return run(args, System.out, System.err);
        }
    }
}
